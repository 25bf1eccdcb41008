// Object validation with the real API server's rules and messages: DNS-1123 names,
// label keys and values, and the pod fields this server relies on. Failures are
// collected into one 422 Invalid, like the real server reports them.
import { parseQuantity } from './quantity.ts';
import type { FieldError } from './status.ts';
import type { KubeObject, Pod } from './types.ts';

const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const QUALIFIED_NAME = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;
const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;

const SUBDOMAIN_MSG =
  "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";
const LABEL_MSG =
  "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')";
const NAME_PART_MSG =
  "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')";
const VALUE_MSG =
  "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')";

function invalidValue(field: string, value: unknown, why: string): FieldError {
  return { field, type: 'FieldValueInvalid', detail: `Invalid value: ${JSON.stringify(value)}: ${why}` };
}

function required(field: string, why = ''): FieldError {
  return { field, type: 'FieldValueRequired', detail: why ? `Required value: ${why}` : 'Required value' };
}

export function dns1123SubdomainErrors(field: string, value: string): FieldError[] {
  const errs: FieldError[] = [];
  if (value.length > 253) errs.push(invalidValue(field, value, 'must be no more than 253 characters'));
  if (!DNS1123_SUBDOMAIN.test(value)) errs.push(invalidValue(field, value, SUBDOMAIN_MSG));
  return errs;
}

export function dns1123LabelErrors(field: string, value: string): FieldError[] {
  const errs: FieldError[] = [];
  if (value.length > 63) errs.push(invalidValue(field, value, 'must be no more than 63 characters'));
  if (!DNS1123_LABEL.test(value)) errs.push(invalidValue(field, value, LABEL_MSG));
  return errs;
}

function labelKeyErrors(field: string, key: string): FieldError[] {
  const slash = key.indexOf('/');
  const prefix = slash >= 0 ? key.slice(0, slash) : undefined;
  const name = slash >= 0 ? key.slice(slash + 1) : key;
  const errs: FieldError[] = [];
  if (prefix !== undefined) {
    if (prefix.length === 0) errs.push(invalidValue(field, key, 'prefix part must be non-empty'));
    else if (!DNS1123_SUBDOMAIN.test(prefix) || prefix.length > 253) errs.push(invalidValue(field, key, `prefix part ${SUBDOMAIN_MSG}`));
  }
  if (name.length === 0) errs.push(invalidValue(field, key, 'name part must be non-empty'));
  else {
    if (name.length > 63) errs.push(invalidValue(field, key, 'name part must be no more than 63 characters'));
    if (!QUALIFIED_NAME.test(name)) errs.push(invalidValue(field, key, NAME_PART_MSG));
  }
  return errs;
}

export function labelErrors(labels: unknown, field = 'metadata.labels'): FieldError[] {
  if (labels === undefined || labels === null) return [];
  if (typeof labels !== 'object' || Array.isArray(labels)) return [invalidValue(field, labels, 'must be a map of strings')];
  const errs: FieldError[] = [];
  for (const [key, value] of Object.entries(labels as Record<string, unknown>)) {
    errs.push(...labelKeyErrors(field, key));
    if (typeof value !== 'string') {
      errs.push(invalidValue(field, value, 'must be a string'));
      continue;
    }
    if (value.length > 63) errs.push(invalidValue(field, value, 'must be no more than 63 characters'));
    if (!LABEL_VALUE.test(value)) errs.push(invalidValue(field, value, VALUE_MSG));
  }
  return errs;
}

export function annotationErrors(annotations: unknown): FieldError[] {
  if (annotations === undefined || annotations === null) return [];
  const errs: FieldError[] = [];
  for (const key of Object.keys(annotations as Record<string, unknown>)) errs.push(...labelKeyErrors('metadata.annotations', key));
  return errs;
}

/** Name (or generateName) rules shared by every object. */
export function metadataErrors(obj: KubeObject, nameRule: 'subdomain' | 'label'): FieldError[] {
  const errs: FieldError[] = [];
  const name = obj.metadata.name;
  if (!name && !obj.metadata.generateName) errs.push(required('metadata.name', 'name or generateName is required'));
  if (name) errs.push(...(nameRule === 'label' ? dns1123LabelErrors : dns1123SubdomainErrors)('metadata.name', name));
  errs.push(...labelErrors(obj.metadata.labels), ...annotationErrors(obj.metadata.annotations));
  return errs;
}

const RESTART_POLICIES = ['Always', 'OnFailure', 'Never'];
const PULL_POLICIES = ['Always', 'IfNotPresent', 'Never'];

export function podSpecErrors(pod: Pod): FieldError[] {
  const errs: FieldError[] = [];
  const spec = pod.spec;
  if (!spec || !Array.isArray(spec.containers) || spec.containers.length === 0) {
    return [required('spec.containers')];
  }
  const volumeNames = new Set((spec.volumes ?? []).map((v) => v.name));
  (spec.volumes ?? []).forEach((v, i) => {
    errs.push(...dns1123LabelErrors(`spec.volumes[${i}].name`, v.name ?? ''));
    if (!v.emptyDir && !v.persistentVolumeClaim) {
      errs.push({ field: `spec.volumes[${i}]`, type: 'FieldValueNotSupported', detail: 'Unsupported value: only emptyDir and persistentVolumeClaim volumes are served by this test server' });
    }
  });
  const seen = new Set<string>();
  spec.containers.forEach((c, i) => {
    const at = `spec.containers[${i}]`;
    if (!c.name) errs.push(required(`${at}.name`));
    else {
      errs.push(...dns1123LabelErrors(`${at}.name`, c.name));
      if (seen.has(c.name)) errs.push({ field: `${at}.name`, type: 'FieldValueDuplicate', detail: `Duplicate value: ${JSON.stringify(c.name)}` });
      seen.add(c.name);
    }
    if (!c.image) errs.push(required(`${at}.image`));
    if (c.imagePullPolicy && !PULL_POLICIES.includes(c.imagePullPolicy)) {
      errs.push({ field: `${at}.imagePullPolicy`, type: 'FieldValueNotSupported', detail: `Unsupported value: ${JSON.stringify(c.imagePullPolicy)}: supported values: "Always", "IfNotPresent", "Never"` });
    }
    for (const kind of ['limits', 'requests'] as const) {
      for (const [res, q] of Object.entries(c.resources?.[kind] ?? {})) {
        if (parseQuantity(q) === undefined) {
          errs.push(invalidValue(`${at}.resources.${kind}[${res}]`, q, "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'"));
        }
      }
    }
    (c.volumeMounts ?? []).forEach((m, j) => {
      if (!volumeNames.has(m.name)) errs.push({ field: `${at}.volumeMounts[${j}].name`, type: 'FieldValueNotFound', detail: `Not found: ${JSON.stringify(m.name)}` });
      if (!m.mountPath) errs.push(required(`${at}.volumeMounts[${j}].mountPath`));
    });
    (c.env ?? []).forEach((e, j) => {
      if (!e.name) errs.push(required(`${at}.env[${j}].name`));
    });
  });
  if (spec.restartPolicy && !RESTART_POLICIES.includes(spec.restartPolicy)) {
    errs.push({ field: 'spec.restartPolicy', type: 'FieldValueNotSupported', detail: `Unsupported value: ${JSON.stringify(spec.restartPolicy)}: supported values: "Always", "OnFailure", "Never"` });
  }
  return errs;
}
