import { Flex } from 'antd';
import { usePhone } from '../../common/usePhone';
import { MyTasksCard } from './MyTasksCard';
import { PermissionList } from './PermissionList';
import { ProfileCard } from './ProfileCard';
import { QuickLinks } from './QuickLinks';

/** The welcome dashboard: who you are, what waits for you, and where your permissions take you. */
export function HomePage() {
  // On a phone what waits for you comes first: it is what a person opens the app there for.
  const narrow = usePhone();
  return (
    <Flex vertical gap={16}>
      {!narrow && <ProfileCard />}
      <MyTasksCard />
      {narrow && <ProfileCard />}
      <QuickLinks />
      <PermissionList />
    </Flex>
  );
}
