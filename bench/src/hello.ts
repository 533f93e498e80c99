// Starts the baseline (hello-server.ts) in its own process and returns its URL.
import { startChild, tsxArgs, type Child } from './proc';

export async function startHello(): Promise<{ child: Child; url: string }> {
  const child = startChild('hello-world', tsxArgs('bench/src/hello-server.ts'), { PORT: '0' });
  try {
    const line = await child.waitForLine((l) => l.startsWith('hello-world listening on '));
    child.stopCapture();
    return { child, url: line.slice('hello-world listening on '.length).trim() };
  } catch (error) {
    await child.stop();
    throw error;
  }
}
