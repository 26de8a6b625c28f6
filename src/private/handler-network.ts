import { Stack } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import { DmsLifecycleProviderSettings } from '../provider-settings';

/** Where the functions run, in the shape `lambda.Function` and `cr.Provider` take it. */
export interface HandlerNetwork {
  readonly vpc?: ec2.IVpc;
  readonly vpcSubnets?: ec2.SubnetSelection;
  readonly securityGroups?: ec2.ISecurityGroup[];
}

const SECURITY_GROUP_ID = 'DmsLifecycleSecurityGroup';

/**
 * The network placement of every function of the stack's providers: none without
 * a `vpc`; with one, the user's security groups or else one group for the whole
 * stack (not one per function, which is what Lambda and the framework would make).
 */
export function handlerNetwork(stack: Stack, settings: DmsLifecycleProviderSettings): HandlerNetwork {
  const vpc = settings.vpc;
  if (!vpc) return {};
  return { vpc, vpcSubnets: settings.vpcSubnets, securityGroups: settings.securityGroups ?? [sharedSecurityGroup(stack, vpc)] };
}

/** Outbound HTTPS only: the functions call AWS APIs (through VPC endpoints or NAT) and accept no connections. */
function sharedSecurityGroup(stack: Stack, vpc: ec2.IVpc): ec2.ISecurityGroup {
  const existing = stack.node.tryFindChild(SECURITY_GROUP_ID) as ec2.SecurityGroup | undefined;
  if (existing) return existing;
  const group = new ec2.SecurityGroup(stack, SECURITY_GROUP_ID, {
    vpc,
    description: 'DMS lifecycle functions: outbound HTTPS to AWS service endpoints, nothing inbound',
    allowAllOutbound: false,
  });
  group.addEgressRule(ec2.Peer.anyIpv4(), ec2.Port.tcp(443), 'HTTPS to AWS service endpoints (VPC endpoints or NAT)');
  return group;
}

/**
 * What Lambda needs in a role to attach its function to a VPC: the EC2 actions of the
 * AWS managed policy AWSLambdaVPCAccessExecutionRole (granted here so the roles carry
 * no AWS managed policy). Lambda's documentation asks for them on `*`.
 */
export function networkInterfaceStatement(): iam.PolicyStatement {
  return new iam.PolicyStatement({
    actions: [
      'ec2:AssignPrivateIpAddresses',
      'ec2:CreateNetworkInterface',
      'ec2:DeleteNetworkInterface',
      'ec2:DescribeNetworkInterfaces',
      'ec2:DescribeSubnets',
      'ec2:UnassignPrivateIpAddresses',
    ],
    resources: ['*'],
  });
}
