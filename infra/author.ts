/**
 * The author's own commands against the deployed table, run with the author's
 * credentials, never by a function: `npm run stats -- --aws` reads counter
 * items by key; `--recount` is the project's one Scan and overwrites the
 * counter items; `npm run privacy` and `breaker` read and write single items.
 * Attach the policy (the deploy's `authorPolicy` output) to your IAM user or
 * role. No Lambda is granted dynamodb:Scan (tests/infra).
 */
export function createAuthorPolicy(table: sst.aws.Dynamo) {
  return new aws.iam.Policy('AuthorCommands', {
    description: 'Let Go: the author’s stats, recount, privacy and breaker commands on the course table',
    policy: $jsonStringify({
      Version: '2012-10-17',
      Statement: [
        {
          Sid: 'AuthorCommands',
          Effect: 'Allow',
          Action: ['dynamodb:GetItem', 'dynamodb:BatchGetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem'],
          Resource: [table.arn],
        },
        { Sid: 'RecountScan', Effect: 'Allow', Action: ['dynamodb:Scan'], Resource: [table.arn] },
      ],
    }),
  });
}
