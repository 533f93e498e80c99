import '../../i18n/zh.tokens';
import { useState } from 'react';
import { Form, Input, Modal, Select } from 'antd';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import type { CreatedToken, Permission } from '../../api/types';
import { useAuth } from '../../auth/AuthContext';
import { ErrorAlert } from '../../common/ErrorAlert';
import { numberRule, showFieldErrors } from '../../common/forms';
import { NumberInput } from '../../common/NumberInput';
import { NUMBER_LIMITS } from '../../common/numbers';
import { permissionLabel } from '../../common/permissions';
import { createToken, tokensQueryKey } from './tokens.api';
import { useOwnerOptions } from './useOwnerOptions';
import { textLimit } from '../../common/textLimit';
import { useFormGuard } from '../../common/useUnsavedChangesGuard';

interface TokenFormValues {
  name: string;
  userId: string;
  scopes: Permission[];
  expiresInDays: number;
}

/** Name, owner (for token managers), scopes within the owner's permissions, days to expiry. */
export function CreateTokenModal({
  manageAll,
  onClose,
  onCreated,
}: {
  manageAll: boolean;
  onClose: () => void;
  onCreated: (token: CreatedToken) => void;
}) {
  const { t, i18n } = useTranslation();
  const { session } = useAuth();
  const queryClient = useQueryClient();
  const [form] = Form.useForm<TokenFormValues>();
  const guard = useFormGuard();
  const [failure, setFailure] = useState<unknown>(null);
  const { owners, permissionsOf, loading } = useOwnerOptions(manageAll);
  const ownerId = Form.useWatch('userId', form) ?? session.user.id;
  const scopeOptions = permissionsOf(ownerId).map((p) => ({
    value: p,
    label: `${permissionLabel(t, p)} · ${p}`,
  }));

  const create = useMutation({
    mutationFn: (v: TokenFormValues) =>
      createToken({
        name: v.name.trim(),
        scopes: v.scopes,
        expiresInDays: v.expiresInDays,
        ...(manageAll && { userId: v.userId }),
      }),
    onMutate: () => setFailure(null),
    onSuccess: (token) => {
      void queryClient.invalidateQueries({ queryKey: tokensQueryKey });
      guard.saved();
      onCreated(token);
    },
    onError: (error) => {
      if (!showFieldErrors(form, error, i18n.language)) setFailure(error);
    },
  });

  return (
    <Modal
      open
      title={t('tokens.createTitle')}
      okText={t('common.create')}
      cancelText={t('common.cancel')}
      confirmLoading={create.isPending}
      onOk={() => form.submit()}
      onCancel={onClose}
      width={600}
      mask={{ closable: false }}
      data-testid="token-form-modal"
    >
      <ErrorAlert error={failure} style={{ marginBottom: 16 }} />
      <Form<TokenFormValues>
        form={form}
        layout="vertical"
        initialValues={{ userId: session.user.id, scopes: [], expiresInDays: 90 }}
        onFinish={(v) => create.mutate(v)}
        onValuesChange={(changed: Partial<TokenFormValues>) => {
          guard.touched();
          if ('userId' in changed) form.setFieldValue('scopes', []);
        }}
        autoComplete="off"
      >
        <Form.Item
          name="name"
          label={t('tokens.name')}
          rules={[{ required: true, message: t('common.required') }]}
        >
          <Input placeholder={t('tokens.namePlaceholder')} count={textLimit(100)} />
        </Form.Item>
        {manageAll && (
          <Form.Item
            name="userId"
            label={t('tokens.owner')}
            extra={t('tokens.ownerHelp')}
            rules={[{ required: true, message: t('common.required') }]}
          >
            <Select
              showSearch={{ optionFilterProp: 'label' }}
              loading={loading}
              options={owners.map((u) => ({ value: u.id, label: `${u.displayName} (${u.username})` }))}
            />
          </Form.Item>
        )}
        <Form.Item
          name="scopes"
          label={t('tokens.scopes')}
          extra={t('tokens.scopesHelp')}
          rules={[{ required: true, message: t('common.required') }]}
        >
          <Select
            mode="multiple"
            allowClear
            options={scopeOptions}
            showSearch={{ optionFilterProp: 'label' }}
            data-testid="scope-select"
          />
        </Form.Item>
        <Form.Item
          name="expiresInDays"
          label={t('tokens.expiresInDays')}
          rules={[
            { required: true, message: t('common.required') },
            numberRule(t, NUMBER_LIMITS.tokenExpiresInDays),
          ]}
        >
          <NumberInput suffix={t('tokens.days')} style={{ width: 160 }} data-testid="token-expires-days" />
        </Form.Item>
      </Form>
    </Modal>
  );
}
