-- A deliverer's claim on a message, until a time (seconds since 1970), taken before the
-- message is posted or mailed: two processes delivering one outbox at once (`mamoru serve`
-- and `mamoru ingest` on the same data) send it once. A claim whose process died mid-way
-- runs out, and the next round delivers the message.
ALTER TABLE notifications ADD COLUMN claimed_until INTEGER;
