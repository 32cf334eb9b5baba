-- 018 (PostgreSQL): a queue's head in one index step. As db/018_queue_order.sql:
-- with the id in the index, the head (issue time, then id) is its first
-- entry instead of a sort of the whole queue.
DROP INDEX tickets_waiting;
CREATE INDEX tickets_waiting ON tickets (day, queue, priority, issued_at, id) WHERE state = 'waiting';
