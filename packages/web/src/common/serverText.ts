/**
 * The server speaks English. Field messages and refusals it sends often are shown in Chinese
 * when the interface is in Chinese; anything not listed here is shown as the server wrote it.
 */
const zhFieldMessages: Record<string, string> = {
  required: '必填',
  'at least 2 characters': '至少 2 个字符',
  'at most 64 characters': '最多 64 个字符',
  'at most 100 characters': '最多 100 个字符',
  'letters, digits and . _ @ - only': '只能包含字母、数字及 . _ @ -',
  'not an e-mail address': '不是有效的电子邮箱地址',
  'already taken': '已被占用',
  'at least 12 characters': '至少 12 个字符',
  'at most 256 characters': '最多 256 个字符',
  'at least three of: lower case, upper case, digits, symbols':
    '需包含小写字母、大写字母、数字、符号中的至少三类',
  'must not contain the user name': '不能包含用户名',
  'wrong password': '密码错误',
  'choose at least one scope': '请至少选择一项权限范围',
};

export function localizeFieldMessage(message: string, language: string): string {
  if (language === 'en') return message;
  return (
    zhFieldMessages[message] ??
    (message.startsWith('must differ from the last') ? '不能与最近使用过的密码相同' : message)
  );
}
