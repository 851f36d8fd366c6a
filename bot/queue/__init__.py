"""The job queue of the scaled deployment: taskiq over Redis Streams.

The gateway (`python -m bot` with `[queue] url`) defers an interaction and enqueues a Job;
`python -m bot.worker` processes take jobs, compute, store and answer the interaction through
its webhook. `job.py` is the payload, `broker.py` the broker and its redelivery, `admit.py` the
gateway's checks, `submit.py` the gateway's enqueue. Importing this package loads no redis.
"""
