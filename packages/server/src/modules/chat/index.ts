export { chatRoutes, injectAct } from './chat.routes';
export { ChatGrants } from './chat.grants';
export {
  sealAction,
  CARD_CHOICES,
  CHOICE_LABELS,
  needsReason,
  type CardTarget,
  type CardChoice,
} from './chat.actions';
