// Preprocessing: turns a raw record into features (S3 features/ + the features table).
import { S3Client, GetObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { DynamoDBClient, PutItemCommand } from '@aws-sdk/client-dynamodb';

const s3 = new S3Client({});
const ddb = new DynamoDBClient({});

export async function handler(event) {
  for (const record of event.Records ?? []) {
    const { key } = JSON.parse(record.body);
    const raw = await s3.send(new GetObjectCommand({ Bucket: process.env.DATASETS_BUCKET, Key: key }));
    const text = await raw.Body.transformToString();
    const features = { length: text.length };
    const id = key.replace(/^raw\//, '').replace(/\.json$/, '');
    await s3.send(new PutObjectCommand({ Bucket: process.env.DATASETS_BUCKET, Key: `features/${id}.json`, Body: JSON.stringify(features) }));
    await ddb.send(new PutItemCommand({ TableName: process.env.FEATURES_TABLE, Item: { id: { S: id }, length: { N: String(features.length) } } }));
  }
}
