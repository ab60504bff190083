/**
 * Shared fixtures of the EcsCallbackTask tests: a VPC, a cluster and task definitions, built in a given stack.
 */
import { Stack, aws_ec2 as ec2, aws_ecs as ecs, aws_logs as logs } from 'aws-cdk-lib';

export interface FargateFixture {
  readonly vpc: ec2.Vpc;
  readonly cluster: ecs.Cluster;
  readonly taskDefinition: ecs.FargateTaskDefinition;
  readonly container: ecs.ContainerDefinition;
}

/** A VPC with public and private subnets, a Fargate cluster, a Fargate task definition with container `app`. */
export function fargateFixture(stack: Stack, id: string = 'Fx'): FargateFixture {
  const vpc = new ec2.Vpc(stack, `${id}Vpc`, { maxAzs: 2, natGateways: 1, restrictDefaultSecurityGroup: false });
  const cluster = new ecs.Cluster(stack, `${id}Cluster`, { vpc, containerInsightsV2: ecs.ContainerInsights.ENABLED });
  const taskDefinition = new ecs.FargateTaskDefinition(stack, `${id}TaskDef`, { family: 'worker', cpu: 256, memoryLimitMiB: 512 });
  const container = taskDefinition.addContainer('app', {
    containerName: 'app',
    image: ecs.ContainerImage.fromRegistry('public.ecr.aws/docker/library/python:3.12'),
    logging: ecs.LogDrivers.awsLogs({
      streamPrefix: 'worker',
      logGroup: new logs.LogGroup(stack, `${id}Logs`, { retention: logs.RetentionDays.ONE_WEEK }),
    }),
  });
  return { vpc, cluster, taskDefinition, container };
}

export interface Ec2Fixture {
  readonly vpc: ec2.Vpc;
  readonly cluster: ecs.Cluster;
  readonly taskDefinition: ecs.Ec2TaskDefinition;
  readonly container: ecs.ContainerDefinition;
}

/** A cluster with EC2 capacity and a bridge-mode EC2 task definition with container `app`. */
export function ec2Fixture(stack: Stack, id: string = 'Ec2'): Ec2Fixture {
  const vpc = new ec2.Vpc(stack, `${id}Vpc`, { maxAzs: 2, natGateways: 1, restrictDefaultSecurityGroup: false });
  const cluster = new ecs.Cluster(stack, `${id}Cluster`, { vpc });
  cluster.addCapacity(`${id}Capacity`, { instanceType: new ec2.InstanceType('t3.small'), desiredCapacity: 1 });
  const taskDefinition = new ecs.Ec2TaskDefinition(stack, `${id}TaskDef`, { family: 'ec2-worker', networkMode: ecs.NetworkMode.BRIDGE });
  const container = taskDefinition.addContainer('app', {
    containerName: 'app',
    image: ecs.ContainerImage.fromRegistry('public.ecr.aws/docker/library/python:3.12'),
    memoryLimitMiB: 256,
  });
  return { vpc, cluster, taskDefinition, container };
}
