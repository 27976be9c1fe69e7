// Light inference: reads features, calls the model endpoint, publishes the prediction.
import { DynamoDBClient, GetItemCommand } from '@aws-sdk/client-dynamodb';
import { SageMakerRuntimeClient, InvokeEndpointCommand } from '@aws-sdk/client-sagemaker-runtime';
import { SNSClient, PublishCommand } from '@aws-sdk/client-sns';

const ddb = new DynamoDBClient({});
const runtime = new SageMakerRuntimeClient({});
const sns = new SNSClient({});

export async function handler(event) {
  const { id } = JSON.parse(event.body ?? '{}');
  const item = await ddb.send(new GetItemCommand({ TableName: process.env.FEATURES_TABLE, Key: { id: { S: String(id) } } }));
  const result = await runtime.send(
    new InvokeEndpointCommand({ EndpointName: process.env.MODEL_ENDPOINT, ContentType: 'application/json', Body: JSON.stringify(item.Item ?? {}) }),
  );
  const prediction = new TextDecoder().decode(result.Body);
  await sns.send(new PublishCommand({ TopicArn: process.env.PREDICTIONS_TOPIC_ARN, Message: prediction }));
  return { statusCode: 200, body: prediction };
}
