import { Link } from 'react-router';
import { Avatar, Card, Descriptions, Flex } from 'antd';
import { Text, Title3 } from '../../common/Text';
import { MobileOutlined, UserOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import { useAuth } from '../../auth/AuthContext';
import { formatMinute } from '../../common/format';
import { RoleTags } from '../../common/RoleTags';
import { usePhone } from '../../common/usePhone';

/** Who you are: name, user name, e-mail and roles; a link to bind a phone and chat accounts. */
export function ProfileCard() {
  const { t } = useTranslation();
  const { session } = useAuth();
  const user = session.user;
  // By usePhone rather than a breakpoint object: a page the server drew for a phone (issue #18)
  // then has the phone's one column before the app starts, not three that fold when it does.
  const narrow = usePhone();
  return (
    <Card data-testid="profile-card">
      <Flex gap={20} align="center" wrap>
        <Avatar size={64} icon={<UserOutlined />} style={{ background: '#1f5fd1', flex: 'none' }} />
        {/* At least 200 px for the name: on a phone the contact link goes under it rather than squeeze it. */}
        <div style={{ minWidth: 0, flex: '1 1 200px' }}>
          <Title3 style={{ margin: 0 }}>{t('home.welcome', { name: user.displayName })}</Title3>
          <Text type="secondary">
            {t('home.passwordChanged', { date: formatMinute(user.passwordChangedAt) })}
          </Text>
        </div>
        {/* where robot messages @-mention the user from (phone, DingTalk, WeCom, Feishu). */}
        <Link to="/account/contact" data-testid="profile-contact-link">
          <MobileOutlined /> {t('contact.nav')}
        </Link>
      </Flex>
      <Descriptions
        column={narrow ? 1 : 3}
        style={{ marginTop: 24 }}
        items={[
          {
            key: 'username',
            label: t('home.username'),
            children: <Text code>{user.username}</Text>,
          },
          { key: 'email', label: t('home.email'), children: user.email ?? t('common.none') },
          {
            key: 'roles',
            label: t('home.roles'),
            children:
              user.roles.length > 0 ? (
                <RoleTags roles={user.roles} />
              ) : (
                <Text type="warning">{t('home.noRoles')}</Text>
              ),
          },
        ]}
      />
    </Card>
  );
}
