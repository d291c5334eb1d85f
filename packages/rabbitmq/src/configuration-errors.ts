import { RelayConfigurationError } from '@chronicle/core/relay';

/** The transport's name, as `RelayConfigurationError.transport` and in `status()`. */
export const TRANSPORT_NAME = 'rabbitmq';

const problem = (setting: string, text: string, cause?: unknown) =>
  new RelayConfigurationError(TRANSPORT_NAME, setting, text, cause === undefined ? undefined : { cause });
const messageOf = (error: unknown) => (error instanceof Error ? error.message : String(error));

/** The URL with its password replaced, fit for an error message. */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password !== '') parsed.password = '***';
    return parsed.toString();
  } catch {
    return '<unparseable url>';
  }
}

/**
 * Turns a failure to connect into a `RelayConfigurationError` that says what to fix, or returns
 * `undefined` when it is not a configuration problem.
 */
export function connectionProblem(error: unknown, url: string): RelayConfigurationError | undefined {
  const where = redactUrl(url);
  const code = (error as { code?: unknown } | undefined)?.code;
  const message = messageOf(error);
  if (code === 'ECONNREFUSED' || code === 'EHOSTUNREACH' || code === 'ETIMEDOUT' || /timeout/i.test(message))
    return problem(
      'url',
      `RabbitMQ is unreachable at ${where} (${message}): check the host and port, and that the broker is running`,
      error,
    );
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN')
    return problem(
      'url',
      `the RabbitMQ host in ${where} does not resolve (${message}): check the host name`,
      error,
    );
  if (/ACCESS[-_]REFUSED/.test(message))
    return problem(
      'url',
      `RabbitMQ refused the credentials in ${where}: check the user name and password (the broker's log says why)`,
      error,
    );
  // RabbitMQ ends the handshake without a reason when the virtual host is missing or not permitted.
  if (/ConnectionOpenOk|NOT[-_]ALLOWED|vhost/i.test(message))
    return problem(
      'url',
      `RabbitMQ refused the virtual host in ${where}: create it, or grant the user access to it (rabbitmqctl set_permissions -p <vhost> <user> ".*" ".*" ".*")`,
      error,
    );
  return undefined;
}

/** Turns a failed exchange check or declaration into a `RelayConfigurationError` that says what to fix. */
export function exchangeProblem(
  error: unknown,
  exchange: string,
  declaring: boolean,
): RelayConfigurationError | undefined {
  const code = (error as { code?: unknown } | undefined)?.code;
  const message = messageOf(error);
  if (code === 404)
    return problem(
      'exchange',
      `RabbitMQ exchange '${exchange}' does not exist: declare it (or pass exchange: { name, declare: { type: 'topic' } } to let the relay declare it)`,
      error,
    );
  if (code === 406) {
    const detail = message.replace(/^.*PRECONDITION_FAILED - /, '').replace(/"$/, '');
    return problem(
      'exchange.declare',
      `RabbitMQ exchange '${exchange}' exists with other settings than the relay declares (${detail}): match exchange.declare to it, or delete and re-create it`,
      error,
    );
  }
  if (code === 403)
    return problem(
      'exchange',
      `RabbitMQ refused to ${declaring ? 'declare' : 'use'} exchange '${exchange}' (${message}): grant the user configure and write permission on it (names starting with 'amq.' are reserved)`,
      error,
    );
  return undefined;
}

/** The publish of a `mandatory` message came back: no queue is bound for its routing key. */
export function unroutable(exchange: string, routingKey: string, messageId: string): RelayConfigurationError {
  return problem(
    'mandatory',
    `RabbitMQ could not route message ${messageId} from exchange '${exchange}' with routing key '${routingKey}': no queue is bound for it. Bind a queue (or an alternate exchange), or set mandatory: false to let the broker drop unroutable events`,
  );
}
