import { Stack, aws_ec2 as ec2, aws_ecr as ecr, aws_kms as kms, aws_s3 as s3, aws_stepfunctions_tasks as tasks } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { SageMakerCreateProcessingJobProps } from '../../src';

/** Seed 000's image: a literal private ECR URI (DockerImage.fromRegistry). */
export const HELLO_WORLD_IMAGE = '000000000000.dkr.ecr.ap-northeast-1.amazonaws.com/hello-world';

/** The smallest job: seed 000's hello world. */
export function helloWorldProps(extra: Partial<SageMakerCreateProcessingJobProps> = {}): SageMakerCreateProcessingJobProps {
  return { image: tasks.DockerImage.fromRegistry(HELLO_WORLD_IMAGE), ...extra };
}

/** A realistic pipeline's resources: a KMS-encrypted data bucket, an ECR repository, a VPC and keys. */
export interface PipelineFixture {
  readonly dataKey: kms.Key;
  readonly bucket: s3.Bucket;
  readonly repository: ecr.Repository;
  readonly vpc: ec2.Vpc;
  readonly outputKey: kms.Key;
  readonly volumeKey: kms.Key;
}

export function pipelineFixture(scope: Construct): PipelineFixture {
  const stack = Stack.of(scope);
  const existing = stack.node.tryFindChild('Fixture') as Construct | undefined;
  const root = existing ?? new Construct(stack, 'Fixture');
  const get = <T>(id: string, make: () => T): T => (root.node.tryFindChild(id) as unknown as T) ?? make();
  const dataKey = get('DataKey', () => new kms.Key(root, 'DataKey', { enableKeyRotation: true }));
  return {
    dataKey,
    bucket: get('Data', () => new s3.Bucket(root, 'Data', {
      encryptionKey: dataKey,
      enforceSSL: true,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      serverAccessLogsPrefix: 'access-logs/',
    })),
    repository: get('Image', () => new ecr.Repository(root, 'Image', { imageScanOnPush: true })),
    vpc: get('Vpc', () => {
      const vpc = new ec2.Vpc(root, 'Vpc', { maxAzs: 2, natGateways: 1 });
      vpc.addFlowLog('FlowLog');
      return vpc;
    }),
    outputKey: get('OutputKey', () => new kms.Key(root, 'OutputKey', { enableKeyRotation: true })),
    volumeKey: get('VolumeKey', () => new kms.Key(root, 'VolumeKey', { enableKeyRotation: true })),
  };
}

/** The realistic job: two inputs, two outputs, an ECR image, a VPC, output and volume keys, tags. */
export function pipelineProps(fx: PipelineFixture, extra: Partial<SageMakerCreateProcessingJobProps> = {}): SageMakerCreateProcessingJobProps {
  return {
    image: tasks.DockerImage.fromEcrRepository(fx.repository, 'v1'),
    processingInputs: [
      { inputName: 'raw', source: tasks.S3Location.fromBucket(fx.bucket, 'raw/2024/') },
      { inputName: 'code', source: tasks.S3Location.fromBucket(fx.bucket, 'code/preprocess.py'), localPath: '/opt/ml/processing/input/code' },
    ],
    processingOutputs: [
      { outputName: 'train', destination: tasks.S3Location.fromBucket(fx.bucket, 'features/train/') },
      { outputName: 'test', destination: tasks.S3Location.fromBucket(fx.bucket, 'features/test/') },
    ],
    outputEncryptionKey: fx.outputKey,
    volumeEncryptionKey: fx.volumeKey,
    vpc: fx.vpc,
    containerEntrypoint: ['python3', '/opt/ml/processing/input/code/preprocess.py'],
    tags: { project: 'churn' },
    ...extra,
  };
}
