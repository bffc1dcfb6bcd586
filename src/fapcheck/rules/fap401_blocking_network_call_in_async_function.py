"""FAP401 blocking-network-call-in-async-function."""

from __future__ import annotations

from fapcheck.rules._blocking import BlockingCallRule


class BlockingNetworkCallInAsyncFunction(BlockingCallRule):
    """Flags a blocking network call made on the event loop.

    ## What it does
    Reports, in the body of an `async def`, calls of synchronous network
    clients, resolved through imports and aliases: `requests.get/post/...` and
    the methods of a `requests.Session()`, `httpx.get/post/...` and the methods
    of an `httpx.Client(...)` (also bound by `with httpx.Client() as c`),
    `urllib.request.urlopen`, `urllib3`, `socket.create_connection`, DNS
    lookups and `socket.socket` I/O, a synchronous `redis.Redis`/`StrictRedis`
    client (also `RedisCluster` and Sentinel's `master_for`), `smtplib.SMTP`,
    and the methods of `boto3.client(...)` and `boto3.resource(...)` objects,
    of values annotated with the `mypy_boto3_*` stub types (`S3Client`,
    `S3ServiceResource`, `Bucket`, waiters) and of `botocore` clients (except
    local work such as `generate_presigned_url` or `get_paginator`).

    SDKs: Celery's producer side (`.delay()`/`.apply_async()` on a function
    decorated with `@app.task` where `app = Celery(...)`, `@celery_app.task(...)`
    or `@shared_task`; `app.send_task`, `AsyncResult(...).get/wait/ready/...`,
    `app.control.revoke/...`, `app.control.inspect().active()`,
    `group/chain(...).apply_async()`), the Stripe SDK's resource methods
    (`stripe.Customer.create`, `stripe.PaymentIntent.retrieve`,
    `stripe.checkout.Session.list_line_items`, ...) and `stripe.StripeClient`
    services (`client.v1.customers.create`), `slack_sdk.WebClient`, its
    `WebhookClient`, and Slack Bolt's sync `App().client`. A `.delay()` on an
    object that is not known to be a Celery task is not reported; neither are
    `stripe.Webhook.construct_event` (a local signature check) and the SDKs'
    async twins (`create_async`, `AsyncWebClient`).

    A nested synchronous `def`, a lambda, and the callable given uncalled to
    `asyncio.to_thread`, `run_in_threadpool`, `loop.run_in_executor` or
    `anyio.to_thread.run_sync` run elsewhere and are not reported, nor is an
    awaited call (`await client.get(...)` on an `httpx.AsyncClient`).

    ## Why is this bad?
    A FastAPI worker runs every `async def` handler on one event loop. While a
    synchronous client waits for the network, no other request of that worker
    makes progress: one slow upstream service stalls them all.

    ## Example
    ```python
    # app/api/routes/weather.py
    import requests
    from fastapi import APIRouter

    router = APIRouter()

    @router.get("/weather")
    async def weather(city: str) -> dict[str, str]:
        return requests.get("https://api.example.com/weather", params={"q": city}).json()
    ```

    ## Use instead
    ```python
    # app/api/routes/weather.py
    import httpx
    from fastapi import APIRouter

    router = APIRouter()

    @router.get("/weather")
    async def weather(city: str) -> dict[str, str]:
        async with httpx.AsyncClient() as client:
            response = await client.get("https://api.example.com/weather", params={"q": city})
        return response.json()
    ```
    A synchronous `def` handler is fine too: FastAPI runs it in a thread pool.

    ## Options
    `[tool.fapcheck.blocking]` in pyproject.toml:
    - `extend-calls`: more blocking callables by qualified name, such as a
      project's synchronous wrapper (`"app.storage.s3.upload"`). A name covers
      itself and everything under it: a module's functions, or a class, its
      constructor and its methods (`"mylib.Client"` covers `mylib.Client()` and
      `mylib.Client().fetch()`). Calls listed here are
      reported under this rule, the catch-all for blocking clients, unless the
      call is already one of FAP402-FAP405.
    - `allow-calls`: names that are not reported by any FAP40x rule, with the
      same coverage. The longest matching entry of the two lists decides.

    ## Fix safety
    No automatic fix: switch to the async client, or run the call with
    `await asyncio.to_thread(...)`.
    """

    code = "FAP401"
