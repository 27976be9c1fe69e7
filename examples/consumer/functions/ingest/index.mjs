// Stores each uploaded document under raw/ in the datasets bucket.
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';

const s3 = new S3Client({});

export const handler = async (event) => {
  const key = `raw/${Date.now()}.json`;
  await s3.send(new PutObjectCommand({ Bucket: process.env.DATASETS_BUCKET, Key: key, Body: event.body ?? '{}' }));
  return { statusCode: 202, body: JSON.stringify({ key }) };
};
