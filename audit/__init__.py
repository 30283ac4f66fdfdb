"""The audit log: who changed whose access, when and from where (issue 21, part 5).

The bottom floor beside `search`: it imports no app of ours, so every app may record into
it through `audit.actions.record`, inside the transaction of the change it records."""
