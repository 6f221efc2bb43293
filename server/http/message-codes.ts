/**
 * The message codes as lists at run time (the OpenAPI document's enums, the docs check); the types
 * are the contract's (admin/contract.ts MessageCode) and config/field-codes.ts FieldMessageCode.
 * The compiler checks each list against its type in both directions.
 */
import type { FieldMessageCode, MessageCode } from './admin/contract.js';

export const MESSAGE_CODES = [
  'not_found', 'internal', 'bad_request', 'invalid_json', 'payload_too_large', 'too_large', 'too_many_parameters',
  'unsupported_encoding', 'unsupported_charset', 'request_aborted', 'request_size_invalid', 'method_not_allowed',
  'database_unavailable', 'busy', 'paused', 'console_not_built', 'unauthorized', 'forbidden', 'forbidden_address',
  'csrf', 'store_unavailable', 'store_starting', 'invalid_request', 'loopback_only', 'already_set_up', 'invalid_settings',
  'mysql_unreachable', 'store_unusable', 'setup_required', 'bad_password', 'password_required', 'too_many_attempts',
  'store_change', 'store_unreachable', 'set_in_environment', 'unreachable', 'same_store', 'unsupported',
  'invalid_level', 'invalid_limit', 'no_log_file', 'log_file_missing', 'job_running', 'unknown_job', 'job_not_found',
  'restore_needs_backup', 'confirmation_required', 'salt_differs', 'salt_in_environment', 'backup_too_large',
  'upload_incomplete', 'empty_file', 'invalid', 'corrupt', 'database_not_found', 'exists', 'invalid_name',
  'invalid_login', 'weak_password', 'invalid_template', 'in_use', 'invalid_rows', 'report_value',
  'invalid_credentials', 'ambiguous_login', 'validation_failed', 'registration_disabled', 'mock_mode',
  'registration_closed', 'login_reserved', 'login_taken', 'registration_failed', 'token_invalid', 'token_expired',
  'wrong_token_type', 'session_revoked', 'refresh_token_reused', 'session_ended', 'mock_token',
  'organization_not_found', 'name_taken', 'template_unusable', 'backup_running', 'database_busy', 'not_acceptable',
  'unsupported_media_type', 'invalid_document', 'type_mismatch', 'invalid_parameter', 'object_not_found',
  'unknown_attribute', 'invalid_value', 'type_required', 'invalid_type', 'duplicate', 'refused', 'invalid_filter',
  'unsupported_sort', 'invalid_sort', 'id_mismatch', 'type_not_found', 'conflict',
  'no_database', 'no_user_table', 'no_admin_user', 'role_taken', 'no_such_user', 'no_such_role',
  'no_such_object', 'console_admin', 'console_admin_role', 'engine_refused', 'engine_unavailable', 'job_needs_parameters',
  'ai_not_configured', 'ai_unavailable', 'ai_interrupted',
  'mail_not_configured', 'mail_dns', 'mail_refused', 'mail_tls', 'mail_auth', 'mail_timeout', 'mail_rejected', 'mail_failed',
  'link_invalid', 'email_not_confirmed',
] as const satisfies readonly MessageCode[];

export const FIELD_MESSAGE_CODES = [
  'required', 'exists', 'cannot_connect', 'unknown_setting', 'not_editable', 'expected_text', 'no_line_breaks',
  'expected_boolean', 'expected_whole_number', 'value_too_small', 'value_too_big', 'expected_cron', 'expected_url',
  'expected_ip_list', 'expected_duration', 'expected_size', 'expected_choice', 'expected_database_url', 'expected_socket_path',
  'postgres_unsupported', 'expected_database_name', 'expected_templates', 'lan_needs_password', 'required_for_https',
  'cannot_read', 'weak_secret', 'mock_needs_development', 'mock_needs_loopback', 'expected_simple_name', 'password_too_short',
  'password_too_long', 'password_only_spaces', 'expected_email', 'required_for_mail', 'needs_mail',
] as const satisfies readonly FieldMessageCode[];

// every code of the types is listed
const everyMessageCode: Exclude<MessageCode, (typeof MESSAGE_CODES)[number]> extends never ? true : false = true;
const everyFieldCode: Exclude<FieldMessageCode, (typeof FIELD_MESSAGE_CODES)[number]> extends never ? true : false = true;
export const MESSAGE_CODES_COMPLETE = everyMessageCode && everyFieldCode;
