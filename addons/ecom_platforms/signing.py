"""Request signatures of the platforms, shared by the clients and the
platform simulator (devtools/simulator) so that both sides compute them in
exactly one way."""
import base64
import hashlib
import hmac


def _concat(params):
    return ''.join(
        '%s%s' % (k, params[k]) for k in sorted(params) if k != 'sign')


def top_sign(params, secret, sign_method='md5'):
    "Taobao TOP: sorted key+value, MD5 wrapped in the secret or HMAC"
    text = _concat(params).encode('utf-8')
    key = secret.encode('utf-8')
    if sign_method == 'md5':
        digest = hashlib.md5(key + text + key).hexdigest()
    elif sign_method == 'hmac':
        digest = hmac.new(key, text, hashlib.md5).hexdigest()
    elif sign_method == 'hmac-sha256':
        digest = hmac.new(key, text, hashlib.sha256).hexdigest()
    else:
        raise ValueError(sign_method)
    return digest.upper()


def md5_wrapped_sign(params, secret):
    "JD and Pinduoduo: uppercase MD5(secret + sorted key+value + secret)"
    text = secret + _concat(params) + secret
    return hashlib.md5(text.encode('utf-8')).hexdigest().upper()


def douyin_sign(app_key, method, param_json, timestamp, secret,
        version='2', sign_method='hmac-sha256'):
    "Douyin shop: secret + app_key..method..param_json..timestamp..v + secret"
    text = '%sapp_key%smethod%sparam_json%stimestamp%sv%s%s' % (
        secret, app_key, method, param_json, timestamp, version, secret)
    if sign_method == 'md5':
        return hashlib.md5(text.encode('utf-8')).hexdigest()
    return hmac.new(secret.encode('utf-8'), text.encode('utf-8'),
        hashlib.sha256).hexdigest()


def shopify_webhook_hmac(body, secret):
    "Shopify webhooks: base64(HMAC-SHA256(secret, raw body))"
    return base64.b64encode(hmac.new(
            secret.encode('utf-8'), body, hashlib.sha256).digest()).decode()


def verify_shopify_webhook(body, secret, header):
    if not header or not secret:
        return False
    return hmac.compare_digest(
        shopify_webhook_hmac(body, secret).encode(), header.encode())
