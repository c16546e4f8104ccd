/**
 * `node dist/lib/runtime/healthcheck-cli.js [--wait SECONDS]`: exit 0 when GET /healthz of the twin on
 * this host (PORT) answers 200, else 1; --wait retries each second for that long. Used by the image's
 * HEALTHCHECK and the systemd unit's ExecStartPost.
 */
async function healthy(port: number): Promise<boolean> {
  try {
    const res = await fetch(`http://127.0.0.1:${port}/healthz`, { signal: AbortSignal.timeout(5000) });
    return res.ok;
  } catch {
    return false;
  }
}

async function main(): Promise<void> {
  const port = Number(process.env.PORT) || 1880;
  const i = process.argv.indexOf('--wait');
  const end = Date.now() + (i > 0 ? Number(process.argv[i + 1]) * 1000 : 0);
  for (;;) {
    if (await healthy(port)) process.exit(0);
    if (Date.now() >= end) {
      console.error(`[energy-twin] /healthz на порту ${port} не ответил 200 / did not answer 200`);
      process.exit(1);
    }
    await new Promise((r) => setTimeout(r, 1000));
  }
}

void main();
