import { Flex } from 'antd';
import { MyTasksCard } from './MyTasksCard';
import { PermissionList } from './PermissionList';
import { ProfileCard } from './ProfileCard';
import { QuickLinks } from './QuickLinks';

/** The welcome dashboard: who you are, what waits for you, and where your permissions take you. */
export function HomePage() {
  return (
    <Flex vertical gap={16}>
      <ProfileCard />
      <MyTasksCard />
      <QuickLinks />
      <PermissionList />
    </Flex>
  );
}
