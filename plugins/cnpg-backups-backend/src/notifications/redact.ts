/*
 * Issue 13, point 4: nothing that leaves the backend through a notification or a log of the
 * notifier/metrics may carry a secret or an endpoint credential. Snapshots hold none by contract;
 * this is the second line: diagnosis texts and error messages can quote URLs and commands.
 */

const RULES: Array<[RegExp, string]> = [
  // userinfo in URLs: https://AKIA…:secret@host → https://***@host
  [/([a-z][a-z0-9+.-]*:\/\/)[^\s/?#@]+@/gi, '$1***@'],
  // signed-URL and credential query/assignment parameters
  [
    /\b(x-amz-signature|x-amz-credential|x-amz-security-token|awsaccesskeyid|signature|access_token|token|password|passwd|secret|aws_secret_access_key|aws_access_key_id|aws_session_token|access_key|secret_key|secretaccesskey|accesskeyid)(["']?\s*[=:]\s*["']?)[^\s&"',;]+/gi,
    '$1$2***',
  ],
  // Authorization headers
  [/\b(bearer|basic)\s+[A-Za-z0-9._~+/=-]{8,}/gi, '$1 ***'],
  // AWS access key ids standing alone
  [/\b(AKIA|ASIA)[A-Z0-9]{16}\b/g, '***'],
];

/** Replaces credentials, signatures and URL userinfo in `text` with `***`. */
export function redactSecrets(text: string): string {
  let out = text;
  for (const [pattern, replacement] of RULES) {
    out = out.replace(pattern, replacement);
  }
  return out;
}
