/**
 * The object identifiers the certificate, CRL and PKCS#7 codecs name (dotted form, as pkijs
 * gives them): each spelled once here.
 * @module
 */

/** Public-key algorithms (X.509 SubjectPublicKeyInfo). */
export const OID_RSA_ENCRYPTION = '1.2.840.113549.1.1.1';
export const OID_EC_PUBLIC_KEY = '1.2.840.10045.2.1';

/** Named curves. */
export const OID_P256 = '1.2.840.10045.3.1.7';
export const OID_P384 = '1.3.132.0.34';

/** Signature algorithms. */
export const OID_ECDSA_SHA256 = '1.2.840.10045.4.3.2';

/** Digest algorithms. */
export const OID_SHA256 = '2.16.840.1.101.3.4.2.1';

/** Certificate extensions. */
export const OID_SUBJECT_KEY_IDENTIFIER = '2.5.29.14';

/** PKCS#7 / CMS content types and signed attributes. */
export const OID_DATA = '1.2.840.113549.1.7.1';
export const OID_SIGNED_DATA = '1.2.840.113549.1.7.2';
export const OID_CONTENT_TYPE = '1.2.840.113549.1.9.3';
export const OID_MESSAGE_DIGEST = '1.2.840.113549.1.9.4';
