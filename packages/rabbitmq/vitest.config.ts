import { defineProject } from 'vitest/config';

export default defineProject({
  test: {
    name: 'rabbitmq',
    include: ['test/**/*.test.ts'],
    // The outage test stops the broker's app for a few seconds: no other file of this package may
    // be talking to RabbitMQ meanwhile.
    fileParallelism: false,
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
