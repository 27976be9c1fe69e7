// Orchestrator: starts a training job on the approved instance type, running as the training role.
import { SageMakerClient, CreateTrainingJobCommand } from '@aws-sdk/client-sagemaker';

const sagemaker = new SageMakerClient({});

export async function handler() {
  const name = `${process.env.JOB_PREFIX}${Date.now()}`;
  await sagemaker.send(
    new CreateTrainingJobCommand({
      TrainingJobName: name,
      RoleArn: process.env.TRAINING_ROLE_ARN,
      AlgorithmSpecification: { TrainingImage: process.env.TRAINING_IMAGE, TrainingInputMode: 'File' },
      InputDataConfig: [
        { ChannelName: 'train', DataSource: { S3DataSource: { S3DataType: 'S3Prefix', S3Uri: `s3://${process.env.DATASETS_BUCKET}/features/` } } },
      ],
      OutputDataConfig: { S3OutputPath: `s3://${process.env.DATASETS_BUCKET}/models/` },
      ResourceConfig: { InstanceType: 'ml.g5.xlarge', InstanceCount: 1, VolumeSizeInGB: 50 },
      StoppingCondition: { MaxRuntimeInSeconds: 3600 },
    }),
  );
  return { name };
}
