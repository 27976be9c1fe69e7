// Ingestion: accepts a record from the gateway, stores it under raw/ and queues preprocessing.
import { S3Client, PutObjectCommand } from '@aws-sdk/client-s3';
import { SQSClient, SendMessageCommand } from '@aws-sdk/client-sqs';

const s3 = new S3Client({});
const sqs = new SQSClient({});

export async function handler(event) {
  const id = event.requestContext?.requestId ?? String(Date.now());
  const key = `raw/${id}.json`;
  await s3.send(new PutObjectCommand({ Bucket: process.env.DATASETS_BUCKET, Key: key, Body: event.body ?? '{}' }));
  await sqs.send(new SendMessageCommand({ QueueUrl: process.env.PREPROCESS_QUEUE_URL, MessageBody: JSON.stringify({ key }) }));
  return { statusCode: 202, body: JSON.stringify({ id }) };
}
