/**
 * A setting's problem as a code with parameters, for the console to say in its language
 * (docs/messages.md, "Field codes"). The English sentences come from the schema (schema.ts), the
 * loader and the settings planner; this is the one place that knows their wording, so a new
 * sentence there needs its line here (tests/unit/server/field-codes.test.ts walks every one).
 */

export type FieldMessageCode =
  | 'required' | 'exists' | 'cannot_connect' | 'unknown_setting' | 'not_editable' | 'expected_text' | 'no_line_breaks'
  | 'expected_boolean' | 'expected_whole_number' | 'value_too_small' | 'value_too_big' | 'expected_cron' | 'expected_url'
  | 'expected_ip_list' | 'expected_duration' | 'expected_size' | 'expected_choice' | 'expected_database_url' | 'expected_socket_path' | 'postgres_unsupported'
  | 'expected_database_name' | 'expected_templates' | 'lan_needs_password' | 'required_for_https' | 'cannot_read' | 'weak_secret'
  | 'mock_needs_development' | 'mock_needs_loopback' | 'expected_simple_name' | 'password_too_short' | 'password_too_long' | 'password_only_spaces'
  | 'expected_email' | 'required_for_mail' | 'needs_mail';

export interface FieldCode { code: FieldMessageCode; params?: Record<string, string | number> }

type Rule = [RegExp, FieldMessageCode, ...string[]];

/** [pattern, code, names of the pattern's groups as params] */
const RULES: readonly Rule[] = [
  [/^unknown setting$/, 'unknown_setting'],
  [/^the \.env file location cannot be changed/, 'not_editable'],
  [/^expected text or null$/, 'expected_text'],
  [/^line breaks are not allowed$/, 'no_line_breaks'],
  [/^expected true or false/, 'expected_boolean'],
  [/^expected a whole number$/, 'expected_whole_number'],
  [/^must be at least (-?\d+)$/, 'value_too_small', 'min'],
  [/^must be at most (-?\d+)$/, 'value_too_big', 'max'],
  [/^expected a cron expression/, 'expected_cron'],
  [/^expected an absolute http:\/\/ or https:\/\/ URL$/, 'expected_url'],
  [/^expected a comma list of IP addresses or CIDR blocks$/, 'expected_ip_list'],
  [/^expected a duration/, 'expected_duration'],
  [/^expected a size/, 'expected_size'],
  [/^Invalid option: expected one of (.+)$/, 'expected_choice', 'options'],
  [/^PostgreSQL servers are not supported yet/, 'postgres_unsupported'],
  [/^(expected mysql:\/\/|unsupported scheme|the URL names no host)/, 'expected_database_url'],
  [/^expected the absolute path of the MySQL\/MariaDB unix socket/, 'expected_socket_path'],
  [/^expected a (MySQL )?database name/, 'expected_database_name'],
  [/^expected a list like :ru:en:$/, 'expected_templates'],
  [/^expected a name of letters, digits or /, 'expected_simple_name'],
  [/^HOST=(\S+) opens the server to the network/, 'lan_needs_password', 'host'],
  [/^required when HTTPS_ENABLED=true$/, 'required_for_https'],
  [/^cannot read (.+)$/, 'cannot_read', 'path'],
  [/^(is a well-known example value|is \d+ characters long|repeats too few distinct characters)/, 'weak_secret'],
  [/^mock is allowed only with NODE_ENV=development$/, 'mock_needs_development'],
  [/^mock is allowed only on a loopback HOST/, 'mock_needs_loopback'],
  [/^cannot connect: (.*)$/, 'cannot_connect', 'reason'],
  [/^expected an e-mail address/, 'expected_email'],
  [/^required when SMTP_HOST is set/, 'required_for_mail'],
  [/^needs SMTP_HOST/, 'needs_mail'],
  [/^required$/, 'required'],
  [/^the password must have at least (\d+) characters$/, 'password_too_short', 'min'],
  [/^the password must have at most (\d+) characters/, 'password_too_long', 'max'],
  [/^the password must not be only spaces$/, 'password_only_spaces'],
  [/^the password is required$/, 'required'],
];

/**
 * The code of a setting's problem (its first, when the loader joined several with "; "); null for a
 * sentence this table does not know (the console then shows the sentence itself).
 */
export function fieldCodeOf(message: string): FieldCode | null {
  const first = message.split('; ')[0].trim();
  for (const [pattern, code, ...names] of RULES) {
    const match = pattern.exec(first);
    if (!match) continue;
    if (names.length === 0) return { code };
    const params: Record<string, string | number> = {};
    names.forEach((name, i) => { params[name] = match[i + 1]; });
    return { code, params };
  }
  return null;
}

/** Codes for the fields of a {field: message} map whose sentence has one. */
export function fieldCodesOf(fields: Readonly<Record<string, string>>): Record<string, FieldCode> {
  const codes: Record<string, FieldCode> = {};
  for (const [key, message] of Object.entries(fields)) {
    const code = fieldCodeOf(message);
    if (code) codes[key] = code;
  }
  return codes;
}
