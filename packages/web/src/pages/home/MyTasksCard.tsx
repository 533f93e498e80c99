import { Link } from 'react-router';
import { Button, Card, Empty, Flex, Spin, Tag, Tooltip } from 'antd';
import { Text } from '../../common/Text';
import { ClockCircleOutlined, ReloadOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import dayjs from 'dayjs';
import relativeTime from 'dayjs/plugin/relativeTime';
import { ErrorAlert } from '../../common/ErrorAlert';
import { formatMinute } from '../../common/format';
import { dueState, type MyTask, useMyTasks } from './myTasks';

dayjs.extend(relativeTime);

/** How often the list is asked again while the home page is open. */

const DUE_COLOR = { overdue: 'error', near: 'warning', later: 'default' } as const;

/** The deadline: red once missed, orange when near, with the exact time on hover. */
function DueTag({ dueAt, now }: { dueAt: string; now: string }) {
  const { t } = useTranslation();
  const state = dueState(dueAt, now);
  const distance = dayjs(dueAt).from(dayjs(now), true);
  const text =
    state === 'overdue'
      ? t('tasks.overdue', { late: distance })
      : state === 'near'
        ? t('tasks.dueLeft', { left: distance })
        : t('tasks.due', { time: formatMinute(dueAt) });
  return (
    <Tooltip title={t('tasks.dueAt', { time: formatMinute(dueAt) })}>
      <Tag
        color={DUE_COLOR[state]}
        icon={<ClockCircleOutlined />}
        style={{ marginInlineEnd: 0 }}
        data-testid="my-task-due"
        data-due-state={state}
      >
        {text}
      </Tag>
    </Tooltip>
  );
}

function TaskRow({ task, now, last }: { task: MyTask; now: string; last: boolean }) {
  const { t } = useTranslation();
  return (
    <li style={last ? undefined : { borderBottom: '1px solid #f0f0f0' }}>
      <Link
        to={task.link}
        data-testid="my-task"
        data-kind={task.kind}
        style={{
          display: 'flex',
          alignItems: 'center',
          gap: 12,
          width: '100%',
          padding: '10px 4px',
          color: 'inherit',
        }}
      >
        <div style={{ flex: 1, minWidth: 0 }}>
          <Text strong>{t(`tasks.kinds.${task.kind}`)}</Text>
          <Flex gap={6} align="center" style={{ minWidth: 0, marginTop: 2 }}>
            <Tag style={{ marginInlineEnd: 0, flex: 'none' }}>{t(`tasks.objects.${task.object}`)}</Tag>
            <Text ellipsis style={{ color: '#1f5fd1', minWidth: 0 }}>
              {task.title}
            </Text>
          </Flex>
          {task.note && (
            <Text type="secondary" ellipsis style={{ display: 'block', fontSize: 13, marginTop: 2 }}>
              {task.note}
            </Text>
          )}
        </div>
        <Flex vertical gap={4} align="flex-end" style={{ flex: 'none' }}>
          {task.dueAt && <DueTag dueAt={task.dueAt} now={now} />}
          <Tooltip title={t('tasks.since', { time: formatMinute(task.since) })}>
            <Text type="secondary" style={{ fontSize: 13 }}>
              {dayjs(task.since).from(dayjs(now))}
            </Text>
          </Tooltip>
        </Flex>
      </Link>
    </li>
  );
}

/**
 * 我的待办: what waits for the signed-in user, whatever their roles — each row the action in the
 * policy's words, the object, how long it has waited and its deadline, a link to where it is done.
 * Asked again every minute and whenever the page comes back into view.
 */
export function MyTasksCard() {
  const { t } = useTranslation();
  const query = useMyTasks();
  const data = query.data;
  const tasks = data?.tasks ?? [];
  const now = data?.now ?? new Date().toISOString();
  return (
    <Card
      title={t('tasks.title')}
      data-testid="my-tasks"
      extra={
        <Flex gap={8} align="center">
          {data && data.total > 0 && <Text type="secondary">{t('tasks.count', { count: data.total })}</Text>}
          <Tooltip title={t('tasks.refresh')}>
            <Button
              type="text"
              size="small"
              icon={<ReloadOutlined />}
              aria-label={t('tasks.refresh')}
              loading={query.isFetching}
              onClick={() => void query.refetch()}
            />
          </Tooltip>
        </Flex>
      }
    >
      <ErrorAlert error={query.error} style={{ marginBottom: 12 }} />
      {/* A plain list, not antd's List: that one brings pagination and Select into the first download (issue #18). */}
      <Spin spinning={query.isLoading}>
        {tasks.length > 0 ? (
          <ul style={{ listStyle: 'none', margin: 0, padding: 0, maxHeight: 480, overflow: 'auto' }}>
            {tasks.map((task, i) => (
              <TaskRow key={task.id} task={task} now={now} last={i === tasks.length - 1} />
            ))}
          </ul>
        ) : query.isLoading ? (
          <div style={{ minHeight: 80 }} />
        ) : (
          <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('tasks.empty')} />
        )}
      </Spin>
      {data && data.total > data.tasks.length && (
        <Text type="secondary" style={{ display: 'block', marginTop: 8, fontSize: 13 }}>
          {t('tasks.truncated', { total: data.total, limit: data.limit })}
        </Text>
      )}
    </Card>
  );
}
