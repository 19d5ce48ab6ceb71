/*
 * One rule violation in a Kubernetes-shaped form (a StatusCause), shared by the webhook rules of this
 * package and the CRD-schema validation of -node.
 */

/** One rule violation, shaped like a Kubernetes StatusCause. @public */
export type CnpgValidationIssue = {
  /** Field path in Kubernetes notation, e.g. `spec.plugins[1].isWALArchiver`. */
  field: string;
  /** Kubernetes cause type, e.g. `FieldValueRequired`, `FieldValueInvalid`, `FieldValueForbidden`. */
  reason:
    | 'FieldValueRequired'
    | 'FieldValueInvalid'
    | 'FieldValueForbidden'
    | 'FieldValueNotSupported'
    | 'FieldValueDuplicate'
    | 'FieldValueTypeInvalid';
  /** Full message, e.g. `spec.x: Invalid value: "a": must be b`. */
  message: string;
};

function quote(v: unknown): string {
  return JSON.stringify(v) ?? 'null';
}

/** `<field>: Invalid value: <value>: <detail>` @public */
export function fieldInvalid(
  field: string,
  value: unknown,
  detail: string,
): CnpgValidationIssue {
  return {
    field,
    reason: 'FieldValueInvalid',
    message: `${field}: Invalid value: ${quote(value)}: ${detail}`,
  };
}

/** `<field>: Forbidden: <detail>` @public */
export function fieldForbidden(
  field: string,
  detail: string,
): CnpgValidationIssue {
  return {
    field,
    reason: 'FieldValueForbidden',
    message: `${field}: Forbidden: ${detail}`,
  };
}

/** `<field>: Required value[: <detail>]` @public */
export function fieldRequired(
  field: string,
  detail?: string,
): CnpgValidationIssue {
  return {
    field,
    reason: 'FieldValueRequired',
    message: detail
      ? `${field}: Required value: ${detail}`
      : `${field}: Required value`,
  };
}

/** `<field>: Duplicate value: <value>` @public */
export function fieldDuplicate(
  field: string,
  value: unknown,
): CnpgValidationIssue {
  return {
    field,
    reason: 'FieldValueDuplicate',
    message: `${field}: Duplicate value: ${quote(value)}`,
  };
}
