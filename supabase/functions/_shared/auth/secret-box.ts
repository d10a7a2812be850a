// Organization secrets are encrypted here with AES-GCM before they reach the database; the key is
// held only by the functions. The ciphertext is bound to its organization and name (AAD), so a
// value copied to another row does not decrypt.
const VERSION = "v1";

function b64(bytes: Uint8Array): string {
  let s = "";
  for (const b of bytes) s += String.fromCharCode(b);
  return btoa(s);
}

function unb64(text: string): Uint8Array<ArrayBuffer> {
  const s = atob(text);
  const out = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) out[i] = s.charCodeAt(i);
  return out;
}

export interface SecretBox {
  seal(organizationId: string, name: string, value: string): Promise<string>;
  open(organizationId: string, name: string, sealed: string): Promise<string>;
}

export async function createSecretBox(base64Key: string): Promise<SecretBox> {
  const raw = unb64(base64Key);
  if (raw.byteLength !== 32) throw new Error("OW_SECRETS_KEY must be 32 bytes, base64-encoded");
  const key = await crypto.subtle.importKey("raw", raw, "AES-GCM", false, ["encrypt", "decrypt"]);
  const aad = (org: string, name: string) => new TextEncoder().encode(`${org}/${name}`);
  return {
    async seal(org, name, value) {
      const iv = crypto.getRandomValues(new Uint8Array(12));
      const data = await crypto.subtle.encrypt(
        { name: "AES-GCM", iv, additionalData: aad(org, name) },
        key,
        new TextEncoder().encode(value),
      );
      return `${VERSION}:${b64(iv)}:${b64(new Uint8Array(data))}`;
    },
    async open(org, name, sealed) {
      const [version, iv, data] = sealed.split(":");
      if (version !== VERSION || !iv || !data) throw new Error("unknown secret encoding");
      const plain = await crypto.subtle.decrypt(
        { name: "AES-GCM", iv: unb64(iv), additionalData: aad(org, name) },
        key,
        unb64(data),
      );
      return new TextDecoder().decode(plain);
    },
  };
}
