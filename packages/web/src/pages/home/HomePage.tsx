import { Flex } from 'antd';
import { PermissionList } from './PermissionList';
import { ProfileCard } from './ProfileCard';
import { QuickLinks } from './QuickLinks';

/** The welcome dashboard: who you are and where your permissions take you. */
export function HomePage() {
  return (
    <Flex vertical gap={16}>
      <ProfileCard />
      <QuickLinks />
      <PermissionList />
    </Flex>
  );
}
