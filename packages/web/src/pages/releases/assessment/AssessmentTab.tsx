import { Alert, Col, Row } from 'antd';
import { useTranslation } from 'react-i18next';
import type { ReleaseDetail } from '../../../api/types';
import { useAuth } from '../../../auth/AuthContext';
import { RelationshipCard } from './RelationshipCard';
import { ResourceCard } from './ResourceCard';
import { RiskCard } from './RiskCard';

/** 评估 (IN-3…IN-5): relationships, resources and risks, recorded during intake and planning. */
export function AssessmentTab({ release }: { release: ReleaseDetail }) {
  const { t } = useTranslation();
  const { can } = useAuth();
  const editable = can('release.plan') && (release.state === 'requested' || release.state === 'planning');
  return (
    <>
      {!editable && (
        <Alert type="info" showIcon title={t('assessment.readOnly')} style={{ marginBottom: 16 }} />
      )}
      <RelationshipCard release={release} editable={editable} />
      <Row gutter={16}>
        <Col span={24}>
          <ResourceCard release={release} editable={editable} />
        </Col>
        <Col span={24}>
          <RiskCard release={release} editable={editable} />
        </Col>
      </Row>
    </>
  );
}
