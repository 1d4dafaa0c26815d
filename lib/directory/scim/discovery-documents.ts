import {
  MAX_PAGE_SIZE,
  SCHEMA_ENTERPRISE_USER,
  SCHEMA_GROUP,
  SCHEMA_RESOURCE_TYPE,
  SCHEMA_SCHEMA,
  SCHEMA_SPC,
  SCHEMA_USER,
} from "./scim-schemas";

/** RFC 7644 §5: what this service provider supports. */
export function serviceProviderConfig(base: string) {
  return {
    schemas: [SCHEMA_SPC],
    documentationUri: "https://datatracker.ietf.org/doc/html/rfc7644",
    patch: { supported: true },
    bulk: { supported: false, maxOperations: 0, maxPayloadSize: 0 },
    filter: { supported: true, maxResults: MAX_PAGE_SIZE },
    changePassword: { supported: false },
    sort: { supported: false },
    etag: { supported: false },
    authenticationSchemes: [
      {
        type: "oauthbearertoken",
        name: "Bearer token",
        primary: true,
        description:
          "A SCIM token issued in Mandate's console (Directory → Provisioning), sent as Authorization: Bearer",
      },
    ],
    meta: { resourceType: "ServiceProviderConfig", location: `${base}/ServiceProviderConfig` },
  };
}

export function resourceTypes(base: string) {
  return [
    {
      schemas: [SCHEMA_RESOURCE_TYPE],
      id: "User",
      name: "User",
      endpoint: "/Users",
      description: "A person of the enterprise",
      schema: SCHEMA_USER,
      schemaExtensions: [{ schema: SCHEMA_ENTERPRISE_USER, required: false }],
      meta: { resourceType: "ResourceType", location: `${base}/ResourceTypes/User` },
    },
    {
      schemas: [SCHEMA_RESOURCE_TYPE],
      id: "Group",
      name: "Group",
      endpoint: "/Groups",
      description: "A group of people",
      schema: SCHEMA_GROUP,
      meta: { resourceType: "ResourceType", location: `${base}/ResourceTypes/Group` },
    },
  ];
}

type Attr = Record<string, unknown>;
const attr = (name: string, extra: Attr = {}): Attr => ({
  name,
  type: "string",
  multiValued: false,
  required: false,
  caseExact: false,
  mutability: "readWrite",
  returned: "default",
  uniqueness: "none",
  ...extra,
});
const complex = (name: string, subAttributes: Attr[], extra: Attr = {}): Attr =>
  attr(name, { type: "complex", subAttributes, ...extra });

export function schemas(base: string) {
  const meta = (id: string) => ({ resourceType: "Schema", location: `${base}/Schemas/${id}` });
  return [
    {
      schemas: [SCHEMA_SCHEMA],
      id: SCHEMA_USER,
      name: "User",
      description: "User account",
      attributes: [
        attr("userName", { required: true, uniqueness: "server" }),
        complex("name", [attr("formatted"), attr("familyName"), attr("givenName")]),
        attr("displayName"),
        attr("title"),
        attr("externalId", { caseExact: true }),
        attr("active", { type: "boolean" }),
        complex("emails", [attr("value"), attr("type"), attr("primary", { type: "boolean" })], { multiValued: true }),
      ],
      meta: meta(SCHEMA_USER),
    },
    {
      schemas: [SCHEMA_SCHEMA],
      id: SCHEMA_ENTERPRISE_USER,
      name: "EnterpriseUser",
      description: "Enterprise user",
      attributes: [
        attr("department"),
        complex("manager", [
          attr("value", { caseExact: true }),
          attr("$ref", { type: "reference" }),
          attr("displayName", { mutability: "readOnly" }),
        ]),
      ],
      meta: meta(SCHEMA_ENTERPRISE_USER),
    },
    {
      schemas: [SCHEMA_SCHEMA],
      id: SCHEMA_GROUP,
      name: "Group",
      description: "Group",
      attributes: [
        attr("displayName", { required: true, uniqueness: "server" }),
        attr("externalId", { caseExact: true }),
        complex(
          "members",
          [
            attr("value", { caseExact: true, mutability: "immutable" }),
            attr("$ref", { type: "reference" }),
            attr("display", { mutability: "readOnly" }),
          ],
          { multiValued: true },
        ),
      ],
      meta: meta(SCHEMA_GROUP),
    },
  ];
}
