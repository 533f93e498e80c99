/** a card callback a chat app sent, kept so that a replay is known (one row per callback id). */
export interface ChatCallbacksTable {
  vendor: string;
  callback_id: string;
  received_at: string;
}
