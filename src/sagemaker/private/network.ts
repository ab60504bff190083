import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { Construct } from 'constructs';
import { SageMakerJobKind } from './job-kind';
import { JobRole } from './job-role';
import { SageMakerJobNetworkOptions } from './options';
import { invalid } from '../../private/errors';
import { checkCount } from '../../private/validation';

/** Where a job's instances are attached: its security groups, and the `VpcConfig` the API takes. */
export interface JobNetwork {
  readonly connections: ec2.Connections;
  readonly vpcConfig?: { readonly SecurityGroupIds: string[]; readonly Subnets: string[] };
}

/** Subnets and security groups only with a VPC; 1 to 5 security groups. */
export function checkNetworkProps(scope: Construct, props: SageMakerJobNetworkOptions): void {
  if (!props.vpc) {
    if (props.subnets) invalid(scope, 'subnets', 'given only with vpc', 'subnets without a vpc');
    if (props.securityGroups) invalid(scope, 'securityGroups', 'given only with vpc', 'security groups without a vpc');
  }
  checkCount(scope, 'securityGroups', props.securityGroups, 1, 5);
}

/**
 * Places the job in its VPC: the selected subnets (1 to 16), the given security groups or one created for it,
 * and the ENI permissions on the job role. Without a VPC, no connections and no `VpcConfig`.
 */
export function attachJobNetwork(scope: Construct, kind: SageMakerJobKind, jobRole: JobRole, props: SageMakerJobNetworkOptions): JobNetwork {
  if (!props.vpc) return { connections: new ec2.Connections() };
  const subnetIds = props.vpc.selectSubnets(props.subnets).subnetIds;
  checkCount(scope, 'subnets', subnetIds, 1, 16);
  const securityGroups = props.securityGroups ?? [
    new ec2.SecurityGroup(scope, 'SecurityGroup', { vpc: props.vpc, description: `SageMaker ${kind.noun} run by ${scope.node.path}` }),
  ];
  jobRole.attachToVpc(props.vpc, subnetIds, securityGroups);
  return {
    connections: new ec2.Connections({ securityGroups }),
    vpcConfig: { SecurityGroupIds: securityGroups.map((sg) => sg.securityGroupId), Subnets: subnetIds },
  };
}
