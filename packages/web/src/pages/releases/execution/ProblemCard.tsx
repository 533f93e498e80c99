import { Card, Descriptions, Flex, Timeline, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { formatDateTime } from '../../../common/format';
import { usePeople } from '../../../common/people';
import type { ProblemRecord } from './execution.api';
import { courseColor, courseText, problemTitleText, when } from './executionText';

/** RB-5: the problem record: the reason and the course of the rollback, step by step. */
export function ProblemCard({ problems, subject }: { problems: ProblemRecord[]; subject: string }) {
  const { t } = useTranslation();
  const nameOf = usePeople();
  return (
    <Card size="small" title={t('execution.rollback.problemTitle')} data-testid="problem-card">
      {problems.length === 0 ? (
        <Typography.Text type="secondary">{t('execution.rollback.problemPending')}</Typography.Text>
      ) : (
        problems.map((p) => (
          <div key={p.id} data-testid={`problem-${p.number}`} style={{ marginBottom: 8 }}>
            <Flex gap={8} align="center" style={{ marginBottom: 8 }} wrap>
              <Typography.Text strong className="rg-mono" style={{ fontSize: 16 }}>
                {p.number}
              </Typography.Text>
              <Typography.Text strong>{problemTitleText(t, p, subject)}</Typography.Text>
              <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                {t('execution.rollback.problemCreated', { by: nameOf(p.createdBy), at: when(p.createdAt) })}
              </Typography.Text>
            </Flex>
            <Descriptions
              size="small"
              column={1}
              bordered
              items={[
                {
                  key: 'reason',
                  label: t('execution.rollback.problemReason'),
                  children: <span style={{ whiteSpace: 'pre-wrap' }}>{p.reason}</span>,
                },
                {
                  key: 'course',
                  label: t('execution.rollback.problemCourse'),
                  children: (
                    <Timeline
                      style={{ marginTop: 8, marginBottom: 0 }}
                      items={p.course.map((c, i) => ({
                        key: i,
                        color: courseColor(c),
                        content: (
                          <Flex vertical>
                            <Typography.Text>{courseText(t, c)}</Typography.Text>
                            <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                              {formatDateTime(c.at)}
                              {c.actor ? ` · ${nameOf(c.actor)}` : ''}
                            </Typography.Text>
                          </Flex>
                        ),
                      }))}
                    />
                  ),
                },
              ]}
            />
          </div>
        ))
      )}
    </Card>
  );
}
