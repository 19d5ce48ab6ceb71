/*
 * Kubernetes object-name rules (RFC 1123), shared by every place that checks a name before it is
 * sent to an API server or written into a manifest.
 */

const DNS_1123_LABEL_PATTERN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS_1123_SUBDOMAIN_PATTERN =
  /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

/** Longest DNS-1123 label (namespaces, most names). @public */
export const DNS_1123_LABEL_MAX_LENGTH = 63;
/** Longest DNS-1123 subdomain (object names). @public */
export const DNS_1123_SUBDOMAIN_MAX_LENGTH = 253;

/** True for a DNS-1123 label: lower-case alphanumerics and `-`, at most 63 characters. @public */
export function isDns1123Label(value: string): boolean {
  return (
    value.length <= DNS_1123_LABEL_MAX_LENGTH &&
    DNS_1123_LABEL_PATTERN.test(value)
  );
}

/** True for a DNS-1123 subdomain: dot-separated labels, at most 253 characters. @public */
export function isDns1123Subdomain(value: string): boolean {
  return (
    value.length <= DNS_1123_SUBDOMAIN_MAX_LENGTH &&
    DNS_1123_SUBDOMAIN_PATTERN.test(value)
  );
}
