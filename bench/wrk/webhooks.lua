-- W7: POST /webhooks/shopify/ with one of three signed payloads (products/update ~20 KB,
-- orders/create, inventory_levels/update) and a fresh X-Shopify-Webhook-Id per request, so
-- none is a duplicate. The HMAC covers the body only. Files and signatures come from the
-- environment (set by bench/shopify.py); BAD_HMAC=1 sends a wrong signature instead.
local kinds = {}
for topic, file, hmac in string.gmatch(os.getenv("WEBHOOK_SPECS"), "([^;]+);([^;]+);([^|]+)|?") do
  local handle = assert(io.open(file, "rb"))
  table.insert(kinds, {topic = topic, body = handle:read("*a"), hmac = hmac})
  handle:close()
end
local bad = os.getenv("BAD_HMAC") == "1"
local domain = os.getenv("SHOP_DOMAIN")
local counter = 0
local started_threads = 0
wrk.method = "POST"

function setup(thread)
  started_threads = started_threads + 1
  thread:set("thread_number", started_threads)
  table.insert(threads, thread)
end

function request()
  counter = counter + 1
  local kind = kinds[(counter % #kinds) + 1]
  local headers = {
    ["Content-Type"] = "application/json",
    ["X-Shopify-Topic"] = kind.topic,
    ["X-Shopify-Hmac-Sha256"] = bad and "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=" or kind.hmac,
    ["X-Shopify-Shop-Domain"] = domain,
    ["X-Shopify-API-Version"] = "2026-10",
    ["X-Shopify-Webhook-Id"] = string.format("bench-%s-%d-%d", os.getenv("RUN_ID"), thread_number, counter),
    ["X-Shopify-Triggered-At"] = "2026-12-04T00:00:00Z",
  }
  return wrk.format("POST", nil, headers, kind.body)
end
