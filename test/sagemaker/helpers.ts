/** Helpers the SageMaker job tests share: IAM statements with intrinsics rendered as text, and '*' justifications. */

/** Justifications for '*' that the IAM reference would otherwise flag (the action has an optional resource type). */
export const JOB_ROLE_JUSTIFIED = [
  { action: 'cloudwatch:PutMetricData', reason: 'metrics have no ARN (the dataset resource type is for datasets); limited by the cloudwatch:namespace condition' },
  { action: 'ec2:DeleteNetworkInterfacePermission', reason: 'authorized on the permission id; the optional network-interface resource is not in the request context' },
];

/** Statements with intrinsics rendered as in ASL (Fn::Join → text, GetAtt → ${Id.Attr}, Ref → ${Id}, pseudo → values). */
export function arnsOf(_stack: unknown, statements: any[]): any[] {
  return statements.map((s) => {
    const out: any = { Action: s.Action, Resource: renderValue(s.Resource) };
    if (s.Condition) out.Condition = renderValue(s.Condition);
    return out;
  });
}

/** A CloudFormation value with its intrinsics rendered as text (see `arnsOf`). */
export function renderValue(value: any): any {
  if (Array.isArray(value)) return value.map(renderValue);
  if (value === null || typeof value !== 'object') return value;
  const keys = Object.keys(value);
  if (keys.length === 1 && keys[0] === 'Ref') {
    return ({ 'AWS::Partition': 'aws', 'AWS::Region': 'us-east-1', 'AWS::AccountId': '123456789012', 'AWS::URLSuffix': 'amazonaws.com' } as any)[value.Ref] ?? `\${${value.Ref}}`;
  }
  if (keys.length === 1 && keys[0] === 'Fn::GetAtt') return `\${${value['Fn::GetAtt'][0]}.${value['Fn::GetAtt'][1]}}`;
  if (keys.length === 1 && keys[0] === 'Fn::Join') return value['Fn::Join'][1].map(renderValue).join(value['Fn::Join'][0]);
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, renderValue(v)]));
}
