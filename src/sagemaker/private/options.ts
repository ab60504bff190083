import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import { TASK_BASE_PROPS } from '../../private/task-props';

/**
 * Props every SageMaker job task has. Not part of the public API by name: jsii copies these members into each
 * task's props (the interface is erased), so they read the same on every task.
 *
 * @internal
 */
export interface SageMakerJobCommonOptions {
  /**
   * The role the job runs as. The job-specific grants (its S3 locations, keys, image or functions) are added to it
   * when it is mutable; logging, metrics and VPC permissions are then yours to give.
   *
   * @default - a role with least privilege derived from these props (no managed policies)
   */
  readonly role?: iam.IRole;

  /**
   * Tags of the job (at most 50).
   *
   * @default - none
   */
  readonly tags?: { [key: string]: string };
}

/**
 * Network props of the SageMaker job tasks whose containers run on instances (processing, training).
 *
 * @internal
 */
export interface SageMakerJobNetworkOptions {
  /**
   * The VPC the job runs in.
   *
   * @default - no VPC: the job has SageMaker's managed network access
   */
  readonly vpc?: ec2.IVpc;

  /**
   * The VPC subnets of the job (at most 16); needs `vpc`.
   *
   * @default - the VPC's private subnets
   */
  readonly subnets?: ec2.SubnetSelection;

  /**
   * Security groups of the job (1 to 5); needs `vpc`.
   *
   * @default - one security group is created (allowing all outbound traffic), reachable through `connections`
   */
  readonly securityGroups?: ec2.ISecurityGroup[];

  /**
   * Whether the container runs without network access (no inbound or outbound calls).
   *
   * @default false
   */
  readonly enableNetworkIsolation?: boolean;

  /**
   * Whether traffic between the job's instances is encrypted.
   *
   * @default false
   */
  readonly enableInterContainerTrafficEncryption?: boolean;
}

/** The kinds of `SageMakerJobCommonOptions` and of the base props every SageMaker task takes (see `checkProps`). */
export const SAGEMAKER_COMMON_PROPS: Record<string, string> = {
  ...TASK_BASE_PROPS,
  role: 'role?',
  tags: '{string}?',
};

/** The kinds of `SageMakerJobNetworkOptions` (see `checkProps`). */
export const SAGEMAKER_NETWORK_PROPS: Record<string, string> = {
  vpc: 'vpc?',
  subnets: 'subnetSelection?',
  securityGroups: 'securityGroup[]?',
  enableNetworkIsolation: 'boolean?',
  enableInterContainerTrafficEncryption: 'boolean?',
};
