// Creates the application bucket on the local MinIO; idempotent. Run by deploy/local/infra after MinIO is ready.
import { Client } from 'minio';

async function main(): Promise<void> {
  const endpoint = new URL(process.env.MINIO_ENDPOINT ?? 'http://127.0.0.1:59000');
  const bucket = process.env.MINIO_BUCKET ?? 'renkei';
  const client = new Client({
    endPoint: endpoint.hostname,
    port: Number(endpoint.port),
    useSSL: endpoint.protocol === 'https:',
    accessKey: process.env.MINIO_ACCESS_KEY ?? '',
    secretKey: process.env.MINIO_SECRET_KEY ?? '',
  });
  if (await client.bucketExists(bucket)) {
    console.log(`bucket ${bucket}: exists`);
    return;
  }
  await client.makeBucket(bucket);
  console.log(`bucket ${bucket}: created`);
}

main().catch((error: unknown) => {
  console.error('create-bucket failed:', error);
  process.exit(1);
});
