import '../../i18n/zh.cmdb';
import { Button, Col, Form, Input, Row, Select, Space } from 'antd';
import { ReloadOutlined, SearchOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import { ENVIRONMENTS } from '../../api/types';
import type { CiFilter } from './cmdb.api';
import { environmentLabel } from './CiTags';
import { useCiTypes, useLocalized } from './useCiTypes';

const trimmed = (s?: string) => s?.trim() || undefined;

/** Type, environment, owner, criticality, status and free text; applied on 搜索 or Enter. */
export function CiFilters({ onChange }: { onChange: (filter: CiFilter) => void }) {
  const { t } = useTranslation();
  const localized = useLocalized();
  const types = useCiTypes();
  const [form] = Form.useForm<CiFilter>();
  const col = { xs: 24, md: 12, xl: 8, xxl: 4 };
  return (
    <Form<CiFilter>
      form={form}
      name="ciFilter"
      layout="vertical"
      initialValues={{ status: 'active' }}
      onFinish={(v) => onChange({ ...v, q: trimmed(v.q), owner: trimmed(v.owner) })}
      data-testid="ci-filters"
    >
      <Row gutter={16}>
        <Col {...col}>
          <Form.Item name="q" label={t('cmdb.search')}>
            <Input allowClear placeholder={t('cmdb.searchPlaceholder')} data-testid="ci-search" />
          </Form.Item>
        </Col>
        <Col {...col}>
          <Form.Item name="type" label={t('cmdb.fields.type')}>
            <Select<string>
              allowClear
              placeholder={t('common.all')}
              options={types.types.map((ty) => ({ value: ty.key, label: localized(ty.name) }))}
            />
          </Form.Item>
        </Col>
        <Col {...col}>
          <Form.Item name="environment" label={t('cmdb.fields.environment')}>
            <Select<string>
              allowClear
              placeholder={t('common.all')}
              options={ENVIRONMENTS.map((e) => ({ value: e, label: environmentLabel(t, e) }))}
            />
          </Form.Item>
        </Col>
        <Col {...col}>
          <Form.Item name="owner" label={t('cmdb.fields.owner')}>
            <Input allowClear placeholder={t('cmdb.ownerPlaceholder')} />
          </Form.Item>
        </Col>
        <Col {...col}>
          <Form.Item name="critical" label={t('cmdb.fields.critical')}>
            <Select<string>
              allowClear
              placeholder={t('common.all')}
              options={[
                { value: 'true', label: t('cmdb.critical') },
                { value: 'false', label: t('cmdb.notCritical') },
              ]}
            />
          </Form.Item>
        </Col>
        <Col {...col}>
          <Form.Item name="status" label={t('cmdb.fields.status')}>
            <Select<string>
              options={[
                { value: 'active', label: t('cmdb.statuses.active') },
                { value: 'retired', label: t('cmdb.statuses.retired') },
                { value: 'all', label: t('common.all') },
              ]}
            />
          </Form.Item>
        </Col>
      </Row>
      <Space>
        <Button type="primary" htmlType="submit" icon={<SearchOutlined />} data-testid="ci-search-submit">
          {t('common.search')}
        </Button>
        <Button
          icon={<ReloadOutlined />}
          onClick={() => {
            form.resetFields();
            onChange({ status: 'active' });
          }}
        >
          {t('common.reset')}
        </Button>
      </Space>
    </Form>
  );
}
