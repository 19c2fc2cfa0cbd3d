-- W5: POST /api/v1/orders with 1–3 lines; 20% of lines on one hot SKU. Variant ids, the hot
-- variant and the location come from the environment (set by bench/api.py).
local ids = {}
for id in string.gmatch(os.getenv("VARIANT_IDS"), "%d+") do table.insert(ids, id) end
local hot = os.getenv("HOT_VARIANT_ID")
local location = os.getenv("LOCATION_ID")
local currency = os.getenv("CURRENCY")
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
local counter = 0

function request()
  counter = counter + 1
  local lines, used = {}, {}
  for _ = 1, math.random(1, 3) do
    local id = (math.random() < 0.2) and hot or ids[math.random(#ids)]
    if not used[id] then
      used[id] = true
      table.insert(lines, string.format('{"variantId": %s, "quantity": 1}', id))
    end
  end
  local body = string.format(
    '{"currency": "%s", "email": "bench%d@example.com", "locationId": %s, "lineItems": [%s]}',
    currency, counter, location, table.concat(lines, ", "))
  return wrk.format(nil, nil, nil, body)
end
