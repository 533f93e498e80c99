/** Row types of the change register (filled in by the changes module). */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type -- the tables are added with the module
export interface ChangesTables {}
