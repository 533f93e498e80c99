// The baseline: a bare Fastify hello-world, logger off. Run as its own process; prints its URL.
import Fastify from 'fastify';

const app = Fastify({ logger: false });
app.get('/', (_request, reply) => {
  void reply.send({ hello: 'world' });
});

const port = Number(process.env.PORT ?? 0);
const address = await app.listen({ port, host: '127.0.0.1' });
process.stdout.write(`hello-world listening on ${address}\n`);

const stop = () => {
  app.close().then(
    () => process.exit(0),
    () => process.exit(1),
  );
};
process.once('SIGINT', stop);
process.once('SIGTERM', stop);
