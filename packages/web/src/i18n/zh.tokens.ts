import { addTexts } from '.';

/**
 * Simplified Chinese for API tokens (pages/tokens). Registered when first imported, by the modules
 * that show them, so they come with those pages' code and not in the first download (issue #18).
 */
export const zhTokens = {
  tokens: {
    title: 'API 令牌',
    subtitleAll: '为流水线和脚本签发带权限范围、有有效期的令牌。您可以管理所有用户的令牌。',
    subtitleOwn: '为流水线和脚本签发带权限范围、有有效期的令牌。',
    create: '新建令牌',
    createTitle: '新建 API 令牌',
    name: '名称',
    namePlaceholder: '例如：GitLab 生产部署流水线',
    owner: '所属用户',
    ownerHelp: '令牌以该账户的身份调用接口：为他人签发仅限服务账号，且只能授予流水线权限',
    scopes: '权限范围',
    scopesHelp: '只能选择所属用户拥有的权限',
    expiresInDays: '有效期（天）',
    days: '天',
    prefix: '前缀',
    state: '状态',
    createdAt: '创建时间',
    expiresAt: '到期时间',
    validity: '有效期',
    lastUsedAt: '最近使用',
    stateActive: '有效',
    stateExpired: '已过期',
    stateRevoked: '已撤销',
    revoke: '撤销',
    revokeConfirm: '撤销令牌“{{name}}”？使用它的流水线将立即无法调用接口。',
    revoked: '令牌“{{name}}”已撤销',
    secretTitle: '令牌已创建',
    secretWarning: '请立即复制并妥善保存此令牌。关闭此窗口后将无法再次查看。',
    secretLabel: '令牌“{{name}}”',
    secretUsage: '在请求头中使用：Authorization: Bearer <令牌>',
    secretDone: '我已保存',
    copyFailed: '浏览器不允许复制，请手动选中令牌后复制',
    empty: '还没有 API 令牌',
    selectOwnerFirst: '请先选择所属用户',
    ciClientTitle: '下载流水线客户端 releasegate-ci.mjs',
    ciClientIntro:
      '流水线用它询问部署闸门、报告计划步骤、推送日志：单个文件，无依赖，需 Node.js 18 及以上（如 node:20-alpine 镜像）。请把 SHA-256 保存在流水线配置中并在下载后核对。',
    ciClientSha256: 'SHA-256',
    ciClientSize: '大小：{{size}} 字节',
    ciClientFetch: '在流水线中下载并核对：',
    ciClientDownload: '下载',
    ciClientDocs: '用法见 docs/pipelines.md（GitLab CI、Jenkins、GitHub Actions 示例）',
  },
};
addTexts(zhTokens);
