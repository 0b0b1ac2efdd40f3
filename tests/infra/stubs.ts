/**
 * Recording stand-ins for SST's globals, so sst.config.ts can be evaluated
 * offline: `$config`, `$app`, `$interpolate`, `$jsonStringify`, `$output`, `sst.*`
 * components, `sst.Secret`, `sst.Linkable.wrap` and the few `aws.*` calls.
 * Every component is recorded with its arguments; every output is a
 * placeholder like `<Subscribers.arn>` that supports `.apply` and nested
 * property access, as Pulumi outputs do.
 */
export type Recorded = { type: string; name: string; args: Record<string, unknown> };
export type Subscription = { topic: string; name: string; subscriber: unknown; args?: unknown };
export type Wrap = { type: string; definition: (resource: unknown) => Record<string, unknown> };

const OUTPUT = Symbol('output');
const COMPONENT = Symbol('component');

type Output = { [OUTPUT]: unknown };

function isOutput(value: unknown): value is Output {
  return typeof value === 'object' && value !== null && OUTPUT in value;
}

/** An output resolving to a placeholder string; property access goes deeper: `<Mail.nodes.identity.arn>`. */
function ref(path: string): unknown {
  return lift(`<${path}>`, path);
}

/** Any value as an output: `.apply` runs at once on the resolved value. */
function lift(value: unknown, path?: string): unknown {
  if (isOutput(value)) return value;
  return new Proxy({ [OUTPUT]: value } as Output, {
    get(target, prop) {
      if (prop === OUTPUT) return target[OUTPUT];
      if (prop === 'apply') return (fn: (resolved: unknown) => unknown) => lift(unwrap(fn(target[OUTPUT])));
      if (prop === 'toJSON' || prop === 'toString') return () => target[OUTPUT];
      if (typeof prop === 'symbol' || prop === 'then' || path === undefined) return undefined;
      return ref(`${path}.${prop}`);
    },
  });
}

/** Replaces outputs with their placeholders and components with `Type:Name`, all the way down. */
export function unwrap(value: unknown): unknown {
  if (isOutput(value)) return unwrap(value[OUTPUT]);
  if (typeof value !== 'object' || value === null) return value;
  const component = (value as { [COMPONENT]?: string })[COMPONENT];
  if (component) return component;
  if (Array.isArray(value)) return value.map(unwrap);
  return Object.fromEntries(Object.entries(value).map(([key, entry]) => [key, unwrap(entry)]));
}

export function installStubs(stage: string) {
  const resources: Recorded[] = [];
  const subscriptions: Subscription[] = [];
  const wraps: Wrap[] = [];

  const component = (type: string) => {
    const Component = class {
      static readonly type = type;
      constructor(name: string, args: Record<string, unknown> = {}) {
        resources.push({ type, name, args });
        return new Proxy(this, {
          get(_target, prop) {
            if (prop === COMPONENT) return `${type}:${name}`;
            if (prop === 'subscribe' && type === 'sst.aws.Queue') {
              // Queue.subscribe(subscriber, args): one subscriber per queue, no name of its own.
              return (subscriber: unknown, subArgs?: unknown) =>
                void subscriptions.push({ topic: name, name, subscriber: unwrap(subscriber), args: unwrap(subArgs) });
            }
            if (prop === 'subscribe') {
              return (subName: string, subscriber: unknown, subArgs?: unknown) =>
                void subscriptions.push({ topic: name, name: subName, subscriber: unwrap(subscriber), args: subArgs });
            }
            if (typeof prop === 'symbol' || prop === 'then') return undefined;
            return ref(`${name}.${prop}`);
          },
        });
      }
    };
    return Component;
  };

  const globals: Record<string, unknown> = {
    $config: (config: unknown) => config,
    $app: { name: 'let-go', stage, removal: stage === 'prod' ? 'retain' : 'remove', protect: stage === 'prod' },
    $interpolate: (strings: TemplateStringsArray, ...values: unknown[]) =>
      lift(strings.reduce((text, part, i) => text + part + (i < values.length ? String(unwrap(values[i])) : ''), '')),
    $jsonStringify: (value: unknown) => lift(JSON.stringify(unwrap(value))),
    $output: (value: unknown) => lift(unwrap(value)),
    sst: {
      Secret: component('sst.Secret'),
      Linkable: {
        wrap: (cls: { type: string }, definition: Wrap['definition']) => void wraps.push({ type: cls.type, definition }),
      },
      aws: Object.fromEntries(
        ['Dynamo', 'Email', 'SnsTopic', 'Function', 'CronV2', 'Queue', 'Router'].map((name) => [name, component(`sst.aws.${name}`)]),
      ),
    },
    aws: {
      getCallerIdentityOutput: () => ref('caller'),
      getRegionOutput: () => ({ region: ref('region') }),
      sns: { TopicPolicy: component('aws.sns.TopicPolicy') },
      cloudfront: { OriginRequestPolicy: component('aws.cloudfront.OriginRequestPolicy') },
      iam: { Policy: component('aws.iam.Policy') },
    },
  };
  Object.assign(globalThis, globals);

  const find = (type: string, name: string): Recorded => {
    const found = resources.find((resource) => resource.type === type && resource.name === name);
    if (!found) throw new Error(`no ${type} named ${name}; recorded: ${resources.map((r) => `${r.type}:${r.name}`).join(', ')}`);
    return { ...found, args: unwrap(found.args) as Record<string, unknown> };
  };
  const uninstall = () => {
    for (const key of Object.keys(globals)) Reflect.deleteProperty(globalThis, key);
  };
  return { resources, subscriptions, wraps, find, uninstall };
}
