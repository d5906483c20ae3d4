/// The OpenAPI 3.1 description of the marvinctld REST API, served at /v1/openapi.json.
enum OpenAPIDocument {
    static let json: String = #"""
    {
      "openapi": "3.1.0",
      "info": {
        "title": "marvinctld",
        "version": "1.0",
        "description": "REST API of marvinctld, the scheduler of a testbed of measurement nodes.\n\nIdentity comes from a client certificate, verified either by a trusted TLS-terminating proxy or by the server itself. Routes marked public need no certificate.\n\nRequest parameters are read from the query string; POST, PUT and DELETE also read the body, which may be a JSON object or an urlencoded form (the body wins over the query). A body that starts with '{' or '[' but is not a JSON object gives 400; a body above the size limit gives 413.\n\nEvery response carries the header api-version: 1.0 and, except /metrics, a JSON body. Errors are objects with a string 'message', sometimes with extra keys. All numbers are integers.\n\nHEAD is accepted wherever GET is and answers the same status and headers without a body. A method missing from a route's Allow list (x-allow on each path; OPTIONS is never allowed) gives 405 with an Allow header, see components/responses/MethodNotAllowed. A path that matches no route gives 404 {\"message\": \"not found\"}.\n\nBesides the paths listed here, /v1/backend/<anything else> (one or more segments) accepts GET, HEAD and PUT: GET answers 404 {\"message\": \"Unknown request\"}; PUT answers 401 to non-admins and 404 {\"message\": \"Unknown request\"} to admins."
      },
      "tags": [
        {
          "name": "meta"
        },
        {
          "name": "resources"
        },
        {
          "name": "users"
        },
        {
          "name": "experiments"
        },
        {
          "name": "schedules"
        },
        {
          "name": "backend"
        }
      ],
      "security": [
        {
          "clientCertificate": []
        }
      ],
      "paths": {
        "/version": {
          "x-allow": "GET, HEAD",
          "get": {
            "operationId": "getVersion",
            "summary": "API version",
            "tags": [
              "meta"
            ],
            "responses": {
              "200": {
                "description": "The API version as a JSON string.",
                "headers": {
                  "api-version": {
                    "$ref": "#/components/headers/ApiVersion"
                  }
                },
                "content": {
                  "application/json": {
                    "schema": {
                      "type": "string",
                      "const": "1.0"
                    }
                  }
                }
              },
              "413": {
                "$ref": "#/components/responses/PayloadTooLarge"
              },
              "500": {
                "$ref": "#/components/responses/InternalError"
              }
            },
            "security": [
              {},
              {
                "clientCertificate": []
              }
            ]
          }
        },
        "/metrics": {
          "x-allow": "GET, HEAD",
          "get": {
            "operationId": "getMetrics",
            "summary": "Prometheus metrics",
            "tags": [
              "meta"
            ],
            "description": "Served here only when no separate metrics port is configured; otherwise, or when metrics are disabled, 404.",
            "responses": {
              "200": {
                "description": "Metrics in Prometheus text format 0.0.4 (content type text/plain; version=0.0.4).",
                "headers": {
                  "api-version": {
                    "$ref": "#/components/headers/ApiVersion"
                  }
                },
                "content": {
                  "text/plain": {
                    "schema": {
                      "type": "string"
                    }
                  }
                }
              },
              "404": {
                "$ref": "#/components/responses/NotFound"
              },
              "413": {
                "$ref": "#/components/responses/PayloadTooLarge"
              },
              "500": {
                "$ref": "#/components/responses/InternalError"
              }
            },
            "security": [
              {},
              {
                "clientCertificate": []
              }
            ]
          }
        },
        "/v1/openapi.json": {
          "x-allow": "GET, HEAD",
          "get": {
            "operationId": "getOpenAPI",
            "summary": "This document",
            "tags": [
              "meta"
            ],
            "responses": {
              "200": {
                "description": "The OpenAPI 3.1 description of the API.",
                "headers": {
                  "api-version": {
                    "$ref": "#/components/headers/ApiVersion"
                  }
                },
                "content": {
                  "application/json": {
                    "schema": {
                      "type": "object",
                      "properties": {
                        "openapi": {
                          "type": "string",
                          "pattern": "^3\\.1\\."
                        }
                      },
                      "required": [
                        "openapi",
                        "info",
                        "paths"
                      ]
                    }
                  }
                }
              },
              "413": {
                "$ref": "#/components/responses/PayloadTooLarge"
              },
              "500": {
                "$ref": "#/components/responses/InternalError"
              }
            },
            "security": [
              {},
              {
                "clientCertificate": []
              }
            ]
          }
        },
        "/v1/resources": {
          "x-allow": "GET, HEAD, POST, PUT",
          "get": {
            "operationId": "listNodes",
            "summary": "List nodes",
            "tags": [
              "resources"
            ],
            "responses": {
              "200": {
                "description": "All nodes that are not retired, by id.",
                "headers": {
                  "api-version": {
                    "$ref": "#/components/headers/ApiVersion"
                  }
                },
                "content": {
                  "application/json": {
                    "schema": {
                      "type": "array",
                      "items": {
                        "$ref": "#/components/schemas/Node"
                      }
                    }
                  }
                }
              },
              "401": {
                "$ref": "#/components/responses/Unauthorized"
              },
              "413": {
                "$ref": "#/components/responses/PayloadTooLarge"
              },
              "500": {
                "$ref": "#/components/responses/InternalError"
              }
            }
          },
          "post": {
            "operationId": "registerNode",
            "summary": "Register a node",
            "tags": [
              "resources"
            ],
            "description": "Admin only. A JSON body is recommended for tags and interfaces.",
            "requestBody": {
              "required": false,
              "description": "A JSON object or urlencoded form; each parameter may also be given in the query string (the body wins).",
              "content": {
                "application/json": {
                  "schema": {
                    "type": "object",
                    "properties": {
                      "id": {
                        "type": [
                          "integer",
                          "string"
                        ],
                        "description": "Node id, >= 1."
                      },
                      "hostname": {
                        "type": "string",
                        "description": "1 to 253 characters."
                      },
                      "tags": {
                        "type": [
                          "object",
                          "string"
                        ],
                        "additionalProperties": {
                          "type": [
                            "string",
                            "number"
                          ]
                        },
                        "description": "Object of tag name to value, or 'tag:value,tag:value' text."
                      },
                      "interfaces": {
                        "type": [
                          "array",
                          "string"
                        ],
                        "items": {
                          "$ref": "#/components/schemas/InterfaceInput"
                        },
                        "description": "List of interfaces (or its JSON text)."
                      },
                      "status": {
                        "type": "string",
                        "enum": [
                          "active",
                          "disabled"
                        ],
                        "description": "Initial status, default active."
                      }
                    },
                    "additionalProperties": true,
                    "required": [
                      "id",
                      "hostname"
                    ]
                  }
                },
                "application/x-www-form-urlencoded": {
                  "schema": {
                    "type": "object",
                    "properties": {
                      "id": {
                        "type": "string",
                        "description": "Node id, >= 1."
                      },
                      "hostname": {
                        "type": "string",
                        "description": "1 to 253 characters."
                      },
                      "tags": {
                        "type": "string",
                        "description": "Object of tag name to value, or 'tag:value,tag:value' text."
                      },
                      "interfaces": {
                        "type": "string",
                        "description": "List of interfaces (or its JSON text)."
                      },
                      "status": {
                        "type": "string",
                        "description": "Initial status, default active."
                      }
                    },
                    "additionalProperties": true,
                    "required": [
                      "id",
                      "hostname"
                    ]
                  }
                }
              }
            },
            "responses": {
              "201": {
                "description": "Node created.",
                "headers": {
                  "api-version": {
                    "$ref": "#/components/headers/ApiVersion"
                  },
                  "Location": {
                    "$ref": "#/components/headers/Location"
                  }
                },
                "content": {
                  "application/json": {
                    "schema": {
                      "$ref": "#/components/schemas/Message"
                    }
                  }
                }
              },
              "400": {
                "$ref": "#/components/responses/BadRequest"
              },
              "401": {
                "$ref": "#/components/responses/Unauthorized"
              },
              "409": {
                "$ref": "#/components/responses/Conflict"
              },
              "413": {
                "$ref": "#/components/responses/PayloadTooLarge"
              },
              "500": {
                "$ref": "#/components/responses/InternalError"
              }
            }
          },
          "put": {
            "operationId": "updateNodeCollection",
            "summary": "Not supported",
            "tags": [
              "resources"
            ],
            "description": "Always answers 404 'Updating collection not allowed.'",
            "requestBody": {
              "required": false,
              "description": "Not used; a body is still decoded (invalid JSON gives 400).",
              "content": {
                "application/json": {
                  "schema": {
                    "type": "object"
                  }
                },
                "application/x-www-form-urlencoded": {
                  "schema": {
                    "type": "object"
                  }
                }
              }
            },
            "responses": {
              "400": {
                "$ref": "#/components/responses/BadRequest"
              },
              "404": {
                "$ref": "#/components/responses/NotFound"
              },
              "413": {
                "$ref": "#/components/responses/PayloadTooLarge"
              },
              "500": {
                "$ref": "#/components/responses/InternalError"
              }
            },
            "security": [
              {},
              {
                "clientCertificate": []
              }
            ]
          }
        },
        "/v1/resources/{nodeid}": {
          "x-allow": "GET, HEAD, PUT, DELETE",
          "parameters": [
            {
              "name": "nodeid",
              "in": "path",
              "required": true,
              "description": "Node id (decimal integer). Any segment is accepted; unknown values give the route's not-found answer.",
              "schema": {
                "type": "string"
              }
            }
          ],
          "get": {
            "operationId": "getNode",
            "summary": "Get one node",
            "tags": [
              "resources"
            ],
            "responses": {
              "200": {
                "description": "A list with the node, or an empty list for unknown, non-numeric or retired ids.",
                "headers": {
                  "api-version": {
                    "$ref": "#/components/headers/ApiVersion"
                  }
                },
                "content": {
                  "application/json": {
                    "schema": {
                      "type": "array",
                      "items": {
                        "$ref": "#/components/schemas/Node"
                      },
                      "maxItems": 1
                    }
                  }
                }
              },
              "401": {
                "$ref": "#/components/responses/Unauthorized"
              },
              "413": {
                "$ref": "#/components/responses/PayloadTooLarge"
              },
              "500": {
                "$ref": "#/components/responses/InternalError"
              }
            }
          },
          "put": {
            "operationId": "updateNode",
            "summary": "Heartbeat or node administration",
            "tags": [
              "resources"
            ],
            "description": "A caller with role node sends its heartbeat here. For any other caller the first present parameter of pair, type, quota, status, hostname, interfaces selects an admin operation.",
            "requestBody": {
              "required": false,
              "description": "A JSON object or urlencoded form; each parameter may also be given in the query string (the body wins).",
              "content": {
                "application/json": {
                  "schema": {
                    "type": "object",
                    "properties": {
                      "maintenance": {
                        "type": [
                          "boolean",
                          "integer",
                          "string"
                        ],
                        "description": "Heartbeat: node is in maintenance mode."
                      },
                      "interfaces": {
                        "type": [
                          "array",
                          "string"
                        ],
                        "items": {
                          "anyOf": [
                            {
                              "$ref": "#/components/schemas/HeartbeatInterface"
                            },
                            {
                              "$ref": "#/components/schemas/InterfaceInput"
                            }
                          ]
                        },
                        "description": "Heartbeat: interface report; admin: new interface inventory (a list or its JSON text)."
                      },
                      "limit": {
                        "type": [
                          "integer",
                          "string"
                        ],
                        "description": "Heartbeat: maximum number of tasks, 0 = no limit (default 3)."
                      },
                      "known_tasks": {
                        "type": [
                          "array",
                          "string"
                        ],
                        "items": {
                          "type": [
                            "string",
                            "integer"
                          ]
                        },
                        "description": "Heartbeat: schedule ids the node holds (list, comma-separated text, or repeated key)."
                      },
                      "pair": {
                        "type": "string",
                        "description": "Admin: id of the tail node, or 'delete'."
                      },
                      "type": {
                        "type": "string",
                        "description": "Admin: complete new tag set as 'tag:value,...'; empty removes all tags."
                      },
                      "quota": {
                        "type": [
                          "integer",
                          "string"
                        ],
                        "description": "Admin: new monthly quota of interface iccid, in bytes."
                      },
                      "value": {
                        "type": [
                          "integer",
                          "string"
                        ],
                        "description": "Admin: overrides quota when present."
                      },
                      "iccid": {
                        "type": "string",
                        "description": "Admin: interface whose quota is set."
                      },
                      "status": {
                        "type": "string",
                        "enum": [
                          "active",
                          "disabled"
                        ],
                        "description": "Admin: new node status."
                      },
                      "hostname": {
                        "type": "string",
                        "description": "Admin: new host name."
                      }
                    },
                    "additionalProperties": true
                  }
                },
                "application/x-www-form-urlencoded": {
                  "schema": {
                    "type": "object",
                    "properties": {
                      "maintenance": {
                        "type": "string",
                        "description": "Heartbeat: node is in maintenance mode."
                      },
                      "interfaces": {
                        "type": "string",
                        "description": "Heartbeat: interface report; admin: new interface inventory (a list or its JSON text)."
                      },
                      "limit": {
                        "type": "string",
                        "description": "Heartbeat: maximum number of tasks, 0 = no limit (default 3)."
                      },
                      "known_tasks": {
                        "type": "array",
                        "items": {
                          "type": "string"
                        },
                        "description": "Heartbeat: schedule ids the node holds (list, comma-separated text, or repeated key)."
                      },
                      "pair": {
                        "type": "string",
                        "description": "Admin: id of the tail node, or 'delete'."
                      },
                      "type": {
                        "type": "string",
                        "description": "Admin: complete new tag set as 'tag:value,...'; empty removes all tags."
                      },
                      "quota": {
                        "type": "string",
                        "description": "Admin: new monthly quota of interface iccid, in bytes."
                      },
                      "value": {
                        "type": "string",
                        "description": "Admin: overrides quota when present."
                      },
                      "iccid": {
                        "type": "string",
                        "description": "Admin: interface whose quota is set."
                      },
                      "status": {
                        "type": "string",
                        "description": "Admin: new node status."
                      },
                      "hostname": {
                        "type": "string",
                        "description": "Admin: new host name."
                      }
                    },
                    "additionalProperties": true
                  },
                  "encoding": {
                    "known_tasks": {
                      "style": "form",
                      "explode": true
                    }
                  }
                }
              }
            },
            "responses": {
              "200": {
                "description": "Heartbeat answer (node caller) or a confirmation message (admin).",
                "headers": {
                  "api-version": {
                    "$ref": "#/components/headers/ApiVersion"
                  }
                },
                "content": {
                  "application/json": {
                    "schema": {
                      "$ref": "#/components/schemas/NodeOrMessage"
                    }
                  }
                }
              },
              "400": {
                "$ref": "#/components/responses/BadRequest"
              },
              "401": {
                "$ref": "#/components/responses/Unauthorized"
              },
              "404": {
                "$ref": "#/components/responses/NotFound"
              },
              "413": {
                "$ref": "#/components/responses/PayloadTooLarge"
              },
              "500": {
                "$ref": "#/components/responses/InternalError"
              }
            }
          },
          "delete": {
            "operationId": "retireNode",
            "summary": "Retire a node",
            "tags": [
              "resources"
            ],
            "description": "Admin only.",
            "requestBody": {
              "required": false,
              "description": "Not used; a body is still decoded (invalid JSON gives 400).",
              "content": {
                "application/json": {
                  "schema": {
                    "type": "object"
                  }
                },
                "application/x-www-form-urlencoded": {
                  "schema": {
                    "type": "object"
                  }
                }
              }
            },
            "responses": {
              "200": {
                "description": "Node retired; open tasks were canceled or aborted.",
                "headers": {
                  "api-version": {
                    "$ref": "#/components/headers/ApiVersion"
                  }
                },
                "content": {
                  "application/json": {
                    "schema": {
                      "$ref": "#/components/schemas/RetireResult"
                    }
                  }
                }
              },
              "400": {
                "$ref": "#/components/responses/BadRequest"
              },
              "401": {
                "$ref": "#/components/responses/Unauthorized"
              },
              "404": {
                "$ref": "#/components/responses/NotFound"
              },
              "413": {
                "$ref": "#/components/responses/PayloadTooLarge"
              },
              "500": {
                "$ref": "#/components/responses/InternalError"
              }
            }
          }
        },
        "/v1/resources/{nodeid}/schedules": {
          "x-allow": "GET, HEAD",
          "parameters": [
            {
              "name": "nodeid",
              "in": "path",
              "required": true,
              "description": "Node id (decimal integer). Any segment is accepted; unknown values give the route's not-found answer.",
              "schema": {
                "type": "string"
              }
            }
          ],
          "get": {
            "operationId": "listNodeSchedules",
            "summary": "Upcoming tasks of a node",
            "tags": [
              "resources"
            ],
            "responses": {
              "200": {
                "description": "Placed tasks of the node overlapping the scheduling horizon; empty for unknown nodes.",
                "headers": {
                  "api-version": {
                    "$ref": "#/components/headers/ApiVersion"
                  }
                },
                "content": {
                  "application/json": {
                    "schema": {
                      "type": "array",
                      "items": {
                        "$ref": "#/components/schemas/Schedule"
                      }
                    }
                  }
                }
              },
              "401": {
                "$ref": "#/components/responses/Unauthorized"
              },
              "413": {
                "$ref": "#/components/responses/PayloadTooLarge"
              },
              "500": {
                "$ref": "#/components/responses/InternalError"
              }
            }
          }
        },
        "/v1/resources/{nodeid}/experiments": {
          "x-allow": "GET, HEAD",
          "parameters": [
            {
              "name": "nodeid",
              "in": "path",
              "required": true,
              "description": "Node id (decimal integer). Any segment is accepted; unknown values give the route's not-found answer.",
              "schema": {
                "type": "string"
              }
            }
          ],
          "get": {
            "operationId": "listNodeExperiments",
            "summary": "Active experiments on a node",
            "tags": [
              "resources"
            ],
            "responses": {
              "200": {
                "description": "Active experiments with at least one task on the node.",
                "headers": {
                  "api-version": {
                    "$ref": "#/components/headers/ApiVersion"
                  }
                },
                "content": {
                  "application/json": {
                    "schema": {
                      "type": "array",
                      "items": {
                        "$ref": "#/components/schemas/ExperimentSummary"
                      }
                    }
                  }
                }
              },
              "401": {
                "$ref": "#/components/responses/Unauthorized"
              },
              "413": {
                "$ref": "#/components/responses/PayloadTooLarge"
              },
              "500": {
                "$ref": "#/components/responses/InternalError"
              }
            }
          }
        },
        "/v1/resources/{nodeid}/all": {
          "x-allow": "GET, HEAD",
          "parameters": [
            {
              "name": "nodeid",
              "in": "path",
              "required": true,
              "description": "Node id (decimal integer). Any segment is accepted; unknown values give the route's not-found answer.",
              "schema": {
                "type": "string"
              }
            }
          ],
          "get": {
            "operationId": "getNodeAll",
            "summary": "Experiments and tasks of a node",
            "tags": [
              "resources"
            ],
            "responses": {
              "200": {
                "description": "Both lists of the two routes above.",
                "headers": {
                  "api-version": {
                    "$ref": "#/components/headers/ApiVersion"
                  }
                },
                "content": {
                  "application/json": {
                    "schema": {
                      "$ref": "#/components/schemas/NodeSchedulesAndExperiments"
                    }
                  }
                }
              },
              "401": {
                "$ref": "#/components/responses/Unauthorized"
              },
              "413": {
                "$ref": "#/components/responses/PayloadTooLarge"
              },
              "500": {
                "$ref": "#/components/responses/InternalError"
              }
            }
          }
        },
        "/v1/resources/{nodeid}/journals": {
          "x-allow": "GET, HEAD",
          "parameters": [
            {
              "name": "nodeid",
              "in": "path",
              "required": true,
              "description": "Node id (decimal integer). Any segment is accepted; unknown values give the route's not-found answer.",
              "schema": {
                "type": "string"
              }
            }
          ],
          "get": {
            "operationId": "listNodeJournals",
            "summary": "Quota journal of a node's interfaces",
            "tags": [
              "resources"
            ],
            "responses": {
              "200": {
                "description": "Journal entries of every interface of the node, oldest first.",
                "headers": {
                  "api-version": {
                    "$ref": "#/components/headers/ApiVersion"
                  }
                },
                "content": {
                  "application/json": {
                    "schema": {
                      "type": "array",
                      "items": {
                        "$ref": "#/components/schemas/NodeJournalEntry"
                      }
                    }
                  }
                }
              },
              "401": {
                "$ref": "#/components/responses/Unauthorized"
              },
              "413": {
                "$ref": "#/components/responses/PayloadTooLarge"
              },
              "500": {
                "$ref": "#/components/responses/InternalError"
              }
            }
          }
        },
        "/v1/resources/{nodeid}/journals/{iccid}": {
          "x-allow": "GET, HEAD",
          "parameters": [
            {
              "name": "nodeid",
              "in": "path",
              "required": true,
              "description": "Node id (decimal integer). Any segment is accepted; unknown values give the route's not-found answer.",
              "schema": {
                "type": "string"
              }
            },
            {
              "name": "iccid",
              "in": "path",
              "required": true,
              "description": "ICCID of the interface. Any segment is accepted; unknown values give the route's not-found answer.",
              "schema": {
                "type": "string"
              }
            }
          ],
          "get": {
            "operationId": "listInterfaceJournal",
            "summary": "Quota journal of one interface",
            "tags": [
              "resources"
            ],
            "responses": {
              "200": {
                "description": "Journal entries of the interface, oldest first (ownerid is null).",
                "headers": {
                  "api-version": {
                    "$ref": "#/components/headers/ApiVersion"
                  }
                },
                "content": {
                  "application/json": {
                    "schema": {
                      "type": "array",
                      "items": {
                        "$ref": "#/components/schemas/JournalEntry"
                      }
                    }
                  }
                }
              },
              "401": {
                "$ref": "#/components/responses/Unauthorized"
              },
              "413": {
                "$ref": "#/components/responses/PayloadTooLarge"
              },
              "500": {
                "$ref": "#/components/responses/InternalError"
              }
            }
          }
        },
        "/v1/users": {
          "x-allow": "GET, HEAD, POST, PUT, DELETE",
          "get": {
            "operationId": "listUsers",
            "summary": "List users",
            "tags": [
              "users"
            ],
            "responses": {
              "200": {
                "description": "All users, by id.",
                "headers": {
                  "api-version": {
                    "$ref": "#/components/headers/ApiVersion"
                  }
                },
                "content": {
                  "application/json": {
                    "schema": {
                      "type": "array",
                      "items": {
                        "$ref": "#/components/schemas/User"
                      }
                    }
                  }
                }
              },
              "401": {
                "$ref": "#/components/responses/Unauthorized"
              },
              "413": {
                "$ref": "#/components/responses/PayloadTooLarge"
              },
              "500": {
                "$ref": "#/components/responses/InternalError"
              }
            }
          },
          "post": {
            "operationId": "createUser",
            "summary": "Create a user",
            "tags": [
              "users"
            ],
            "description": "Admin only.",
            "requestBody": {
              "required": false,
              "description": "A JSON object or urlencoded form; each parameter may also be given in the query string (the body wins).",
              "content": {
                "application/json": {
                  "schema": {
                    "type": "object",
                    "properties": {
                      "name": {
                        "type": "string",
                        "description": "Display name; node principals are named 'Node <nodeid>'."
                      },
                      "ssl": {
                        "type": "string",
                        "description": "Certificate fingerprint: 40 hex digits, colons allowed."
                      },
                      "role": {
                        "type": "string",
                        "enum": [
                          "user",
                          "node",
                          "admin"
                        ]
                      },
                      "project": {
                        "type": "string",
                        "description": "Optional, default empty."
                      }
                    },
                    "additionalProperties": true,
                    "required": [
                      "name",
                      "ssl",
                      "role"
                    ]
                  }
                },
                "application/x-www-form-urlencoded": {
                  "schema": {
                    "type": "object",
                    "properties": {
                      "name": {
                        "type": "string",
                        "description": "Display name; node principals are named 'Node <nodeid>'."
                      },
                      "ssl": {
                        "type": "string",
                        "description": "Certificate fingerprint: 40 hex digits, colons allowed."
                      },
                      "role": {
                        "type": "string"
                      },
                      "project": {
                        "type": "string",
                        "description": "Optional, default empty."
                      }
                    },
                    "additionalProperties": true,
                    "required": [
                      "name",
                      "ssl",
                      "role"
                    ]
                  }
                }
              }
            },
            "responses": {
              "201": {
                "description": "User created; Location is /user/<id>.",
                "headers": {
                  "api-version": {
                    "$ref": "#/components/headers/ApiVersion"
                  },
                  "Location": {
                    "$ref": "#/components/headers/Location"
                  }
                },
                "content": {
                  "application/json": {
                    "schema": {
                      "$ref": "#/components/schemas/Message"
                    }
                  }
                }
              },
              "400": {
                "$ref": "#/components/responses/BadRequest"
              },
              "401": {
                "$ref": "#/components/responses/Unauthorized"
              },
              "409": {
                "$ref": "#/components/responses/Conflict"
              },
              "413": {
                "$ref": "#/components/responses/PayloadTooLarge"
              },
              "500": {
                "$ref": "#/components/responses/InternalError"
              }
            }
          },
          "put": {
            "operationId": "updateUserCollection",
            "summary": "Not supported",
            "tags": [
              "users"
            ],
            "description": "Always answers 404 'Updating collection not allowed.'",
            "requestBody": {
              "required": false,
              "description": "Not used; a body is still decoded (invalid JSON gives 400).",
              "content": {
                "application/json": {
                  "schema": {
                    "type": "object"
                  }
                },
                "application/x-www-form-urlencoded": {
                  "schema": {
                    "type": "object"
                  }
                }
              }
            },
            "responses": {
              "400": {
                "$ref": "#/components/responses/BadRequest"
              },
              "404": {
                "$ref": "#/components/responses/NotFound"
              },
              "413": {
                "$ref": "#/components/responses/PayloadTooLarge"
              },
              "500": {
                "$ref": "#/components/responses/InternalError"
              }
            },
            "security": [
              {},
              {
                "clientCertificate": []
              }
            ]
          },
          "delete": {
            "operationId": "deleteUserCollection",
            "summary": "Not supported",
            "tags": [
              "users"
            ],
            "description": "Admins get 400 'Userid missing.', others 401.",
            "requestBody": {
              "required": false,
              "description": "Not used; a body is still decoded (invalid JSON gives 400).",
              "content": {
                "application/json": {
                  "schema": {
                    "type": "object"
                  }
                },
                "application/x-www-form-urlencoded": {
                  "schema": {
                    "type": "object"
                  }
                }
              }
            },
            "responses": {
              "400": {
                "$ref": "#/components/responses/BadRequest"
              },
              "401": {
                "$ref": "#/components/responses/Unauthorized"
              },
              "413": {
                "$ref": "#/components/responses/PayloadTooLarge"
              },
              "500": {
                "$ref": "#/components/responses/InternalError"
              }
            }
          }
        },
        "/v1/users/{userid}": {
          "x-allow": "GET, HEAD, PUT, DELETE",
          "parameters": [
            {
              "name": "userid",
              "in": "path",
              "required": true,
              "description": "User id (decimal integer). Any segment is accepted; unknown values give the route's not-found answer.",
              "schema": {
                "type": "string"
              }
            }
          ],
          "get": {
            "operationId": "getUser",
            "summary": "Get one user",
            "tags": [
              "users"
            ],
            "responses": {
              "200": {
                "description": "A list with exactly one user.",
                "headers": {
                  "api-version": {
                    "$ref": "#/components/headers/ApiVersion"
                  }
                },
                "content": {
                  "application/json": {
                    "schema": {
                      "type": "array",
                      "items": {
                        "$ref": "#/components/schemas/User"
                      },
                      "minItems": 1,
                      "maxItems": 1
                    }
                  }
                }
              },
              "401": {
                "$ref": "#/components/responses/Unauthorized"
              },
              "404": {
                "$ref": "#/components/responses/NotFound"
              },
              "413": {
                "$ref": "#/components/responses/PayloadTooLarge"
              },
              "500": {
                "$ref": "#/components/responses/InternalError"
              }
            }
          },
          "put": {
            "operationId": "updateUser",
            "summary": "Change quotas, fingerprint or role",
            "tags": [
              "users"
            ],
            "description": "Admin only. All given changes are applied together or not at all.",
            "requestBody": {
              "required": false,
              "description": "A JSON object or urlencoded form; each parameter may also be given in the query string (the body wins).",
              "content": {
                "application/json": {
                  "schema": {
                    "type": "object",
                    "properties": {
                      "time": {
                        "type": [
                          "integer",
                          "string"
                        ],
                        "description": "Current time quota (node-seconds)."
                      },
                      "data": {
                        "type": [
                          "integer",
                          "string"
                        ],
                        "description": "Current data quota (bytes)."
                      },
                      "storage": {
                        "type": [
                          "integer",
                          "string"
                        ],
                        "description": "Current storage quota (bytes)."
                      },
                      "time_reset": {
                        "type": [
                          "integer",
                          "string"
                        ],
                        "description": "Monthly time quota."
                      },
                      "data_reset": {
                        "type": [
                          "integer",
                          "string"
                        ],
                        "description": "Monthly data quota."
                      },
                      "storage_reset": {
                        "type": [
                          "integer",
                          "string"
                        ],
                        "description": "Monthly storage quota."
                      },
                      "ssl": {
                        "type": "string",
                        "description": "New certificate fingerprint."
                      },
                      "role": {
                        "type": "string",
                        "enum": [
                          "user",
                          "node",
                          "admin"
                        ],
                        "description": "New role."
                      }
                    },
                    "additionalProperties": true
                  }
                },
                "application/x-www-form-urlencoded": {
                  "schema": {
                    "type": "object",
                    "properties": {
                      "time": {
                        "type": "string",
                        "description": "Current time quota (node-seconds)."
                      },
                      "data": {
                        "type": "string",
                        "description": "Current data quota (bytes)."
                      },
                      "storage": {
                        "type": "string",
                        "description": "Current storage quota (bytes)."
                      },
                      "time_reset": {
                        "type": "string",
                        "description": "Monthly time quota."
                      },
                      "data_reset": {
                        "type": "string",
                        "description": "Monthly data quota."
                      },
                      "storage_reset": {
                        "type": "string",
                        "description": "Monthly storage quota."
                      },
                      "ssl": {
                        "type": "string",
                        "description": "New certificate fingerprint."
                      },
                      "role": {
                        "type": "string",
                        "description": "New role."
                      }
                    },
                    "additionalProperties": true
                  }
                }
              }
            },
            "responses": {
              "200": {
                "description": "Updated.",
                "headers": {
                  "api-version": {
                    "$ref": "#/components/headers/ApiVersion"
                  }
                },
                "content": {
                  "application/json": {
                    "schema": {
                      "$ref": "#/components/schemas/Message"
                    }
                  }
                }
              },
              "400": {
                "$ref": "#/components/responses/BadRequest"
              },
              "401": {
                "$ref": "#/components/responses/Unauthorized"
              },
              "404": {
                "$ref": "#/components/responses/NotFound"
              },
              "409": {
                "$ref": "#/components/responses/Conflict"
              },
              "413": {
                "$ref": "#/components/responses/PayloadTooLarge"
              },
              "500": {
                "$ref": "#/components/responses/InternalError"
              }
            }
          },
          "delete": {
            "operationId": "invalidateUser",
            "summary": "Invalidate a user",
            "tags": [
              "users"
            ],
            "description": "Admin only; sets the role to invalid.",
            "requestBody": {
              "required": false,
              "description": "Not used; a body is still decoded (invalid JSON gives 400).",
              "content": {
                "application/json": {
                  "schema": {
                    "type": "object"
                  }
                },
                "application/x-www-form-urlencoded": {
                  "schema": {
                    "type": "object"
                  }
                }
              }
            },
            "responses": {
              "200": {
                "description": "The user's certificate is no longer accepted.",
                "headers": {
                  "api-version": {
                    "$ref": "#/components/headers/ApiVersion"
                  }
                },
                "content": {
                  "application/json": {
                    "schema": {
                      "$ref": "#/components/schemas/Message"
                    }
                  }
                }
              },
              "400": {
                "$ref": "#/components/responses/BadRequest"
              },
              "401": {
                "$ref": "#/components/responses/Unauthorized"
              },
              "404": {
                "$ref": "#/components/responses/NotFound"
              },
              "413": {
                "$ref": "#/components/responses/PayloadTooLarge"
              },
              "500": {
                "$ref": "#/components/responses/InternalError"
              }
            }
          }
        },
        "/v1/users/{userid}/schedules": {
          "x-allow": "GET, HEAD",
          "parameters": [
            {
              "name": "userid",
              "in": "path",
              "required": true,
              "description": "User id (decimal integer). Any segment is accepted; unknown values give the route's not-found answer.",
              "schema": {
                "type": "string"
              }
            }
          ],
          "get": {
            "operationId": "listUserSchedules",
            "summary": "Upcoming tasks of a user",
            "tags": [
              "users"
            ],
            "responses": {
              "200": {
                "description": "Placed tasks of the user's experiments within the horizon; empty for unknown users.",
                "headers": {
                  "api-version": {
                    "$ref": "#/components/headers/ApiVersion"
                  }
                },
                "content": {
                  "application/json": {
                    "schema": {
                      "type": "array",
                      "items": {
                        "$ref": "#/components/schemas/UserScheduleRow"
                      }
                    }
                  }
                }
              },
              "401": {
                "$ref": "#/components/responses/Unauthorized"
              },
              "413": {
                "$ref": "#/components/responses/PayloadTooLarge"
              },
              "500": {
                "$ref": "#/components/responses/InternalError"
              }
            }
          }
        },
        "/v1/users/{userid}/experiments": {
          "x-allow": "GET, HEAD",
          "parameters": [
            {
              "name": "userid",
              "in": "path",
              "required": true,
              "description": "User id (decimal integer). Any segment is accepted; unknown values give the route's not-found answer.",
              "schema": {
                "type": "string"
              }
            }
          ],
          "get": {
            "operationId": "listUserExperiments",
            "summary": "Experiments of a user",
            "tags": [
              "users"
            ],
            "parameters": [
              {
                "name": "showHidden",
                "in": "query",
                "required": false,
                "description": "Include experiments in every status, not only active ones.",
                "schema": {
                  "type": "string",
                  "description": "1 or true (any case) means true."
                }
              }
            ],
            "responses": {
              "200": {
                "description": "The user's experiments, by id.",
                "headers": {
                  "api-version": {
                    "$ref": "#/components/headers/ApiVersion"
                  }
                },
                "content": {
                  "application/json": {
                    "schema": {
                      "type": "array",
                      "items": {
                        "$ref": "#/components/schemas/ExperimentSummary"
                      }
                    }
                  }
                }
              },
              "401": {
                "$ref": "#/components/responses/Unauthorized"
              },
              "404": {
                "$ref": "#/components/responses/NotFound"
              },
              "413": {
                "$ref": "#/components/responses/PayloadTooLarge"
              },
              "500": {
                "$ref": "#/components/responses/InternalError"
              }
            }
          }
        },
        "/v1/users/{userid}/journals": {
          "x-allow": "GET, HEAD",
          "parameters": [
            {
              "name": "userid",
              "in": "path",
              "required": true,
              "description": "User id (decimal integer). Any segment is accepted; unknown values give the route's not-found answer.",
              "schema": {
                "type": "string"
              }
            }
          ],
          "get": {
            "operationId": "listUserJournals",
            "summary": "Quota journal of a user",
            "tags": [
              "users"
            ],
            "responses": {
              "200": {
                "description": "The user's journal entries, oldest first.",
                "headers": {
                  "api-version": {
                    "$ref": "#/components/headers/ApiVersion"
                  }
                },
                "content": {
                  "application/json": {
                    "schema": {
                      "type": "array",
                      "items": {
                        "$ref": "#/components/schemas/JournalEntry"
                      }
                    }
                  }
                }
              },
              "401": {
                "$ref": "#/components/responses/Unauthorized"
              },
              "413": {
                "$ref": "#/components/responses/PayloadTooLarge"
              },
              "500": {
                "$ref": "#/components/responses/InternalError"
              }
            }
          }
        },
        "/v1/experiments": {
          "x-allow": "GET, HEAD, POST, PUT, DELETE",
          "get": {
            "operationId": "listExperiments",
            "summary": "List experiments",
            "tags": [
              "experiments"
            ],
            "parameters": [
              {
                "name": "showHidden",
                "in": "query",
                "required": false,
                "description": "Include experiments in every status, not only active ones.",
                "schema": {
                  "type": "string",
                  "description": "1 or true (any case) means true."
                }
              }
            ],
            "responses": {
              "200": {
                "description": "Experiments of all users, by id.",
                "headers": {
                  "api-version": {
                    "$ref": "#/components/headers/ApiVersion"
                  }
                },
                "content": {
                  "application/json": {
                    "schema": {
                      "type": "array",
                      "items": {
                        "$ref": "#/components/schemas/ExperimentSummary"
                      }
                    }
                  }
                }
              },
              "401": {
                "$ref": "#/components/responses/Unauthorized"
              },
              "413": {
                "$ref": "#/components/responses/PayloadTooLarge"
              },
              "500": {
                "$ref": "#/components/responses/InternalError"
              }
            }
          },
          "post": {
            "operationId": "createExperiment",
            "summary": "Allocate an experiment",
            "tags": [
              "experiments"
            ],
            "description": "Users only. Checks policy and quotas, picks nodes and books one task per node and interval.",
            "requestBody": {
              "required": false,
              "description": "A JSON object or urlencoded form; each parameter may also be given in the query string (the body wins).",
              "content": {
                "application/json": {
                  "schema": {
                    "type": "object",
                    "properties": {
                      "name": {
                        "type": [
                          "string",
                          "number"
                        ],
                        "description": "Free text."
                      },
                      "nodecount": {
                        "type": [
                          "integer",
                          "string"
                        ],
                        "description": "Number of machines (> 0); pairs count two."
                      },
                      "nodetypes": {
                        "type": "string",
                        "description": "Node filter, e.g. 'type:deployed,-country:se'; may be empty."
                      },
                      "script": {
                        "type": "string",
                        "description": "Container URL, or two separated by '|' for pairs."
                      },
                      "start": {
                        "type": [
                          "integer",
                          "string"
                        ],
                        "description": "Unix time; 0 = as soon as possible, -1 = first availability queue. Default 0."
                      },
                      "stop": {
                        "type": [
                          "integer",
                          "string"
                        ],
                        "description": "Only used to derive duration when duration is absent."
                      },
                      "duration": {
                        "type": [
                          "integer",
                          "string"
                        ],
                        "description": "Seconds; default stop - start."
                      },
                      "options": {
                        "type": [
                          "object",
                          "string",
                          "null"
                        ],
                        "description": "Options object, its JSON text, or 'k=v&k=v' text."
                      },
                      "interfaceCount": {
                        "type": [
                          "integer",
                          "string"
                        ],
                        "description": "1 (single), 2 (heads) or 3 (pairs); default 1."
                      }
                    },
                    "additionalProperties": true,
                    "required": [
                      "name",
                      "nodecount",
                      "nodetypes",
                      "script"
                    ]
                  }
                },
                "application/x-www-form-urlencoded": {
                  "schema": {
                    "type": "object",
                    "properties": {
                      "name": {
                        "type": "string",
                        "description": "Free text."
                      },
                      "nodecount": {
                        "type": "string",
                        "description": "Number of machines (> 0); pairs count two."
                      },
                      "nodetypes": {
                        "type": "string",
                        "description": "Node filter, e.g. 'type:deployed,-country:se'; may be empty."
                      },
                      "script": {
                        "type": "string",
                        "description": "Container URL, or two separated by '|' for pairs."
                      },
                      "start": {
                        "type": "string",
                        "description": "Unix time; 0 = as soon as possible, -1 = first availability queue. Default 0."
                      },
                      "stop": {
                        "type": "string",
                        "description": "Only used to derive duration when duration is absent."
                      },
                      "duration": {
                        "type": "string",
                        "description": "Seconds; default stop - start."
                      },
                      "options": {
                        "type": "string",
                        "description": "Options object, its JSON text, or 'k=v&k=v' text."
                      },
                      "interfaceCount": {
                        "type": "string",
                        "description": "1 (single), 2 (heads) or 3 (pairs); default 1."
                      }
                    },
                    "additionalProperties": true,
                    "required": [
                      "name",
                      "nodecount",
                      "nodetypes",
                      "script"
                    ]
                  }
                }
              }
            },
            "responses": {
              "201": {
                "description": "Allocated; Location is /schedules/<expid>.",
                "headers": {
                  "api-version": {
                    "$ref": "#/components/headers/ApiVersion"
                  },
                  "Location": {
                    "$ref": "#/components/headers/Location"
                  }
                },
                "content": {
                  "application/json": {
                    "schema": {
                      "$ref": "#/components/schemas/AllocationResult"
                    }
                  }
                }
              },
              "400": {
                "$ref": "#/components/responses/BadRequest"
              },
              "401": {
                "$ref": "#/components/responses/Unauthorized"
              },
              "409": {
                "description": "Allocation refused.",
                "headers": {
                  "api-version": {
                    "$ref": "#/components/headers/ApiVersion"
                  }
                },
                "content": {
                  "application/json": {
                    "schema": {
                      "$ref": "#/components/schemas/AllocationFailure"
                    }
                  }
                }
              },
              "413": {
                "$ref": "#/components/responses/PayloadTooLarge"
              },
              "500": {
                "$ref": "#/components/responses/InternalError"
              }
            }
          },
          "put": {
            "operationId": "mergeExperimentsMissingIds",
            "summary": "Merge without ids",
            "tags": [
              "experiments"
            ],
            "description": "Answers 400 'Experiment id missing.' to users and admins.",
            "requestBody": {
              "required": false,
              "description": "Not used; a body is still decoded (invalid JSON gives 400).",
              "content": {
                "application/json": {
                  "schema": {
                    "type": "object"
                  }
                },
                "application/x-www-form-urlencoded": {
                  "schema": {
                    "type": "object"
                  }
                }
              }
            },
            "responses": {
              "400": {
                "$ref": "#/components/responses/BadRequest"
              },
              "401": {
                "$ref": "#/components/responses/Unauthorized"
              },
              "413": {
                "$ref": "#/components/responses/PayloadTooLarge"
              },
              "500": {
                "$ref": "#/components/responses/InternalError"
              }
            }
          },
          "delete": {
            "operationId": "deleteExperimentMissingId",
            "summary": "Delete without id",
            "tags": [
              "experiments"
            ],
            "description": "Answers 400 'Experiment id missing.' to users and admins.",
            "requestBody": {
              "required": false,
              "description": "Not used; a body is still decoded (invalid JSON gives 400).",
              "content": {
                "application/json": {
                  "schema": {
                    "type": "object"
                  }
                },
                "application/x-www-form-urlencoded": {
                  "schema": {
                    "type": "object"
                  }
                }
              }
            },
            "responses": {
              "400": {
                "$ref": "#/components/responses/BadRequest"
              },
              "401": {
                "$ref": "#/components/responses/Unauthorized"
              },
              "413": {
                "$ref": "#/components/responses/PayloadTooLarge"
              },
              "500": {
                "$ref": "#/components/responses/InternalError"
              }
            }
          }
        },
        "/v1/experiments/{expid}": {
          "x-allow": "GET, HEAD, PUT, DELETE",
          "parameters": [
            {
              "name": "expid",
              "in": "path",
              "required": true,
              "description": "Experiment id (decimal integer). Any segment is accepted; unknown values give the route's not-found answer.",
              "schema": {
                "type": "string"
              }
            }
          ],
          "get": {
            "operationId": "getExperiment",
            "summary": "Get one experiment",
            "tags": [
              "experiments"
            ],
            "responses": {
              "200": {
                "description": "The experiment in any status.",
                "headers": {
                  "api-version": {
                    "$ref": "#/components/headers/ApiVersion"
                  }
                },
                "content": {
                  "application/json": {
                    "schema": {
                      "$ref": "#/components/schemas/ExperimentSummary"
                    }
                  }
                }
              },
              "401": {
                "$ref": "#/components/responses/Unauthorized"
              },
              "404": {
                "$ref": "#/components/responses/NotFound"
              },
              "413": {
                "$ref": "#/components/responses/PayloadTooLarge"
              },
              "500": {
                "$ref": "#/components/responses/InternalError"
              }
            }
          },
          "put": {
            "operationId": "mergeExperimentsMissingSecondId",
            "summary": "Merge with one id",
            "tags": [
              "experiments"
            ],
            "description": "Answers 400 'Second experiment id missing.' to users and admins.",
            "requestBody": {
              "required": false,
              "description": "Not used; a body is still decoded (invalid JSON gives 400).",
              "content": {
                "application/json": {
                  "schema": {
                    "type": "object"
                  }
                },
                "application/x-www-form-urlencoded": {
                  "schema": {
                    "type": "object"
                  }
                }
              }
            },
            "responses": {
              "400": {
                "$ref": "#/components/responses/BadRequest"
              },
              "401": {
                "$ref": "#/components/responses/Unauthorized"
              },
              "413": {
                "$ref": "#/components/responses/PayloadTooLarge"
              },
              "500": {
                "$ref": "#/components/responses/InternalError"
              }
            }
          },
          "delete": {
            "operationId": "deleteExperiment",
            "summary": "Delete, cancel or archive an experiment",
            "tags": [
              "experiments"
            ],
            "description": "The owner or an admin.",
            "requestBody": {
              "required": false,
              "description": "Not used; a body is still decoded (invalid JSON gives 400).",
              "content": {
                "application/json": {
                  "schema": {
                    "type": "object"
                  }
                },
                "application/x-www-form-urlencoded": {
                  "schema": {
                    "type": "object"
                  }
                }
              }
            },
            "responses": {
              "200": {
                "description": "What was done depends on the task statuses.",
                "headers": {
                  "api-version": {
                    "$ref": "#/components/headers/ApiVersion"
                  }
                },
                "content": {
                  "application/json": {
                    "schema": {
                      "$ref": "#/components/schemas/DeleteExperimentResult"
                    }
                  }
                }
              },
              "400": {
                "$ref": "#/components/responses/BadRequest"
              },
              "401": {
                "$ref": "#/components/responses/Unauthorized"
              },
              "404": {
                "$ref": "#/components/responses/NotFound"
              },
              "413": {
                "$ref": "#/components/responses/PayloadTooLarge"
              },
              "500": {
                "$ref": "#/components/responses/InternalError"
              }
            }
          }
        },
        "/v1/experiments/{expid}/schedules": {
          "x-allow": "GET, HEAD",
          "parameters": [
            {
              "name": "expid",
              "in": "path",
              "required": true,
              "description": "Experiment id (decimal integer). Any segment is accepted; unknown values give the route's not-found answer.",
              "schema": {
                "type": "string"
              }
            }
          ],
          "get": {
            "operationId": "getExperimentSchedules",
            "summary": "Experiment with all its tasks",
            "tags": [
              "experiments"
            ],
            "responses": {
              "200": {
                "description": "The experiment with a map of all its tasks (queued ones with start -1).",
                "headers": {
                  "api-version": {
                    "$ref": "#/components/headers/ApiVersion"
                  }
                },
                "content": {
                  "application/json": {
                    "schema": {
                      "$ref": "#/components/schemas/ExperimentWithSchedules"
                    }
                  }
                }
              },
              "401": {
                "$ref": "#/components/responses/Unauthorized"
              },
              "404": {
                "$ref": "#/components/responses/NotFound"
              },
              "413": {
                "$ref": "#/components/responses/PayloadTooLarge"
              },
              "500": {
                "$ref": "#/components/responses/InternalError"
              }
            }
          }
        },
        "/v1/experiments/{expid}/schedules/{schedid}": {
          "x-allow": "GET, HEAD",
          "parameters": [
            {
              "name": "expid",
              "in": "path",
              "required": true,
              "description": "Experiment id (decimal integer). Any segment is accepted; unknown values give the route's not-found answer.",
              "schema": {
                "type": "string"
              }
            },
            {
              "name": "schedid",
              "in": "path",
              "required": true,
              "description": "Schedule id. Any segment is accepted; unknown values give the route's not-found answer.",
              "schema": {
                "type": "string"
              }
            }
          ],
          "get": {
            "operationId": "getExperimentSchedulesEntry",
            "summary": "Experiment with one of its tasks",
            "tags": [
              "experiments"
            ],
            "responses": {
              "200": {
                "description": "The experiment with only that task, or an empty map if the task belongs elsewhere.",
                "headers": {
                  "api-version": {
                    "$ref": "#/components/headers/ApiVersion"
                  }
                },
                "content": {
                  "application/json": {
                    "schema": {
                      "$ref": "#/components/schemas/ExperimentWithSchedules"
                    }
                  }
                }
              },
              "401": {
                "$ref": "#/components/responses/Unauthorized"
              },
              "404": {
                "$ref": "#/components/responses/NotFound"
              },
              "413": {
                "$ref": "#/components/responses/PayloadTooLarge"
              },
              "500": {
                "$ref": "#/components/responses/InternalError"
              }
            }
          }
        },
        "/v1/experiments/{expid}/schedule": {
          "x-allow": "GET, HEAD",
          "parameters": [
            {
              "name": "expid",
              "in": "path",
              "required": true,
              "description": "Experiment id (decimal integer). Any segment is accepted; unknown values give the route's not-found answer.",
              "schema": {
                "type": "string"
              }
            }
          ],
          "get": {
            "operationId": "getExperimentScheduleAlias",
            "summary": "Experiment with all its tasks",
            "tags": [
              "experiments"
            ],
            "responses": {
              "200": {
                "description": "The experiment with a map of all its tasks (queued ones with start -1).",
                "headers": {
                  "api-version": {
                    "$ref": "#/components/headers/ApiVersion"
                  }
                },
                "content": {
                  "application/json": {
                    "schema": {
                      "$ref": "#/components/schemas/ExperimentWithSchedules"
                    }
                  }
                }
              },
              "401": {
                "$ref": "#/components/responses/Unauthorized"
              },
              "404": {
                "$ref": "#/components/responses/NotFound"
              },
              "413": {
                "$ref": "#/components/responses/PayloadTooLarge"
              },
              "500": {
                "$ref": "#/components/responses/InternalError"
              }
            }
          }
        },
        "/v1/experiments/{expid}/schedule/{schedid}": {
          "x-allow": "GET, HEAD",
          "parameters": [
            {
              "name": "expid",
              "in": "path",
              "required": true,
              "description": "Experiment id (decimal integer). Any segment is accepted; unknown values give the route's not-found answer.",
              "schema": {
                "type": "string"
              }
            },
            {
              "name": "schedid",
              "in": "path",
              "required": true,
              "description": "Schedule id. Any segment is accepted; unknown values give the route's not-found answer.",
              "schema": {
                "type": "string"
              }
            }
          ],
          "get": {
            "operationId": "getExperimentScheduleAliasEntry",
            "summary": "Experiment with one of its tasks",
            "tags": [
              "experiments"
            ],
            "responses": {
              "200": {
                "description": "The experiment with only that task, or an empty map if the task belongs elsewhere.",
                "headers": {
                  "api-version": {
                    "$ref": "#/components/headers/ApiVersion"
                  }
                },
                "content": {
                  "application/json": {
                    "schema": {
                      "$ref": "#/components/schemas/ExperimentWithSchedules"
                    }
                  }
                }
              },
              "401": {
                "$ref": "#/components/responses/Unauthorized"
              },
              "404": {
                "$ref": "#/components/responses/NotFound"
              },
              "413": {
                "$ref": "#/components/responses/PayloadTooLarge"
              },
              "500": {
                "$ref": "#/components/responses/InternalError"
              }
            }
          }
        },
        "/v1/experiments/{into}/{from}": {
          "x-allow": "PUT",
          "parameters": [
            {
              "name": "into",
              "in": "path",
              "required": true,
              "description": "Id of the experiment that receives the tasks. Any segment is accepted; unknown values give the route's not-found answer.",
              "schema": {
                "type": "string"
              }
            },
            {
              "name": "from",
              "in": "path",
              "required": true,
              "description": "Id of the experiment whose tasks are moved (a segment other than schedules/schedule). Any segment is accepted; unknown values give the route's not-found answer.",
              "schema": {
                "type": "string"
              }
            }
          ],
          "put": {
            "operationId": "mergeExperiments",
            "summary": "Merge two experiments",
            "tags": [
              "experiments"
            ],
            "description": "Moves every task of {from} into {into} and marks {from} merged. Both must be active and owned by the caller.",
            "requestBody": {
              "required": false,
              "description": "A JSON object or urlencoded form; each parameter may also be given in the query string (the body wins).",
              "content": {
                "application/json": {
                  "schema": {
                    "type": "object",
                    "properties": {
                      "name": {
                        "type": "string",
                        "description": "New name for the receiving experiment."
                      }
                    },
                    "additionalProperties": true
                  }
                },
                "application/x-www-form-urlencoded": {
                  "schema": {
                    "type": "object",
                    "properties": {
                      "name": {
                        "type": "string",
                        "description": "New name for the receiving experiment."
                      }
                    },
                    "additionalProperties": true
                  }
                }
              }
            },
            "responses": {
              "200": {
                "description": "Tasks moved.",
                "headers": {
                  "api-version": {
                    "$ref": "#/components/headers/ApiVersion"
                  }
                },
                "content": {
                  "application/json": {
                    "schema": {
                      "$ref": "#/components/schemas/Message"
                    }
                  }
                }
              },
              "400": {
                "$ref": "#/components/responses/BadRequest"
              },
              "401": {
                "$ref": "#/components/responses/Unauthorized"
              },
              "404": {
                "$ref": "#/components/responses/NotFound"
              },
              "413": {
                "$ref": "#/components/responses/PayloadTooLarge"
              },
              "500": {
                "$ref": "#/components/responses/InternalError"
              }
            }
          }
        },
        "/v1/schedules": {
          "x-allow": "GET, HEAD, PUT",
          "get": {
            "operationId": "listSchedules",
            "summary": "Booked tasks in a time range",
            "tags": [
              "schedules"
            ],
            "parameters": [
              {
                "name": "start",
                "in": "query",
                "required": false,
                "description": "Range start, Unix time; default now.",
                "schema": {
                  "type": "integer"
                }
              },
              {
                "name": "stop",
                "in": "query",
                "required": false,
                "description": "Range end, Unix time; default now plus the horizon.",
                "schema": {
                  "type": "integer"
                }
              }
            ],
            "responses": {
              "200": {
                "description": "Placed tasks overlapping [start, stop], in compact form.",
                "headers": {
                  "api-version": {
                    "$ref": "#/components/headers/ApiVersion"
                  }
                },
                "content": {
                  "application/json": {
                    "schema": {
                      "type": "array",
                      "items": {
                        "$ref": "#/components/schemas/CompactSchedule"
                      }
                    }
                  }
                }
              },
              "400": {
                "$ref": "#/components/responses/BadRequest"
              },
              "401": {
                "$ref": "#/components/responses/Unauthorized"
              },
              "413": {
                "$ref": "#/components/responses/PayloadTooLarge"
              },
              "500": {
                "$ref": "#/components/responses/InternalError"
              }
            }
          },
          "put": {
            "operationId": "updateScheduleMissingId",
            "summary": "Status update without id",
            "tags": [
              "schedules"
            ],
            "description": "Nodes get 400 'Scheduling id missing.', others 401.",
            "requestBody": {
              "required": false,
              "description": "Not used; a body is still decoded (invalid JSON gives 400).",
              "content": {
                "application/json": {
                  "schema": {
                    "type": "object"
                  }
                },
                "application/x-www-form-urlencoded": {
                  "schema": {
                    "type": "object"
                  }
                }
              }
            },
            "responses": {
              "400": {
                "$ref": "#/components/responses/BadRequest"
              },
              "401": {
                "$ref": "#/components/responses/Unauthorized"
              },
              "413": {
                "$ref": "#/components/responses/PayloadTooLarge"
              },
              "500": {
                "$ref": "#/components/responses/InternalError"
              }
            }
          }
        },
        "/v1/schedules/find": {
          "x-allow": "GET, HEAD",
          "get": {
            "operationId": "findSlots",
            "summary": "Find free time slots",
            "tags": [
              "schedules"
            ],
            "parameters": [
              {
                "name": "nodecount",
                "in": "query",
                "required": false,
                "description": "Machines needed (> 0), default 1.",
                "schema": {
                  "type": "integer"
                }
              },
              {
                "name": "duration",
                "in": "query",
                "required": false,
                "description": "Seconds (> 0), default 1.",
                "schema": {
                  "type": "integer"
                }
              },
              {
                "name": "start",
                "in": "query",
                "required": false,
                "description": "Earliest start, Unix time; 0 (default) = now.",
                "schema": {
                  "type": "integer"
                }
              },
              {
                "name": "nodetypes",
                "in": "query",
                "required": false,
                "description": "Node filter; ignored when nodes is given.",
                "schema": {
                  "type": "string"
                }
              },
              {
                "name": "nodes",
                "in": "query",
                "required": false,
                "description": "Comma-separated node ids to choose from.",
                "schema": {
                  "type": "string"
                }
              },
              {
                "name": "interfaceCount",
                "in": "query",
                "required": false,
                "description": "1, 2 or 3; default 1.",
                "schema": {
                  "type": "integer",
                  "enum": [
                    1,
                    2,
                    3
                  ]
                }
              },
              {
                "name": "results",
                "in": "query",
                "required": false,
                "description": "Number of slots wanted (> 0, capped by the server), default 1.",
                "schema": {
                  "type": "integer"
                }
              }
            ],
            "responses": {
              "200": {
                "description": "One or more slots, earliest first.",
                "headers": {
                  "api-version": {
                    "$ref": "#/components/headers/ApiVersion"
                  }
                },
                "content": {
                  "application/json": {
                    "schema": {
                      "type": "array",
                      "items": {
                        "$ref": "#/components/schemas/Slot"
                      },
                      "minItems": 1
                    }
                  }
                }
              },
              "400": {
                "$ref": "#/components/responses/BadRequest"
              },
              "401": {
                "$ref": "#/components/responses/Unauthorized"
              },
              "409": {
                "$ref": "#/components/responses/Conflict"
              },
              "413": {
                "$ref": "#/components/responses/PayloadTooLarge"
              },
              "500": {
                "$ref": "#/components/responses/InternalError"
              }
            }
          }
        },
        "/v1/schedules/{schedid}": {
          "x-allow": "GET, HEAD, PUT",
          "parameters": [
            {
              "name": "schedid",
              "in": "path",
              "required": true,
              "description": "Schedule id. Any segment is accepted; unknown values give the route's not-found answer.",
              "schema": {
                "type": "string"
              }
            }
          ],
          "get": {
            "operationId": "getSchedule",
            "summary": "Get one task",
            "tags": [
              "schedules"
            ],
            "responses": {
              "200": {
                "description": "The task with its traffic report.",
                "headers": {
                  "api-version": {
                    "$ref": "#/components/headers/ApiVersion"
                  }
                },
                "content": {
                  "application/json": {
                    "schema": {
                      "$ref": "#/components/schemas/ScheduleWithReport"
                    }
                  }
                }
              },
              "401": {
                "$ref": "#/components/responses/Unauthorized"
              },
              "404": {
                "$ref": "#/components/responses/NotFound"
              },
              "413": {
                "$ref": "#/components/responses/PayloadTooLarge"
              },
              "500": {
                "$ref": "#/components/responses/InternalError"
              }
            }
          },
          "put": {
            "operationId": "updateSchedule",
            "summary": "Report task status or traffic",
            "tags": [
              "schedules"
            ],
            "description": "Only the node that runs the task. When both parameters are given only status is used.",
            "requestBody": {
              "required": false,
              "description": "A JSON object or urlencoded form; each parameter may also be given in the query string (the body wins).",
              "content": {
                "application/json": {
                  "schema": {
                    "type": "object",
                    "properties": {
                      "status": {
                        "description": "'<code>' or '<code>;<text>'. Other JSON types are taken as their JSON text."
                      },
                      "traffic": {
                        "anyOf": [
                          {
                            "$ref": "#/components/schemas/TrafficReport"
                          },
                          {
                            "type": "string"
                          }
                        ],
                        "description": "Traffic report object, or its JSON text."
                      }
                    },
                    "additionalProperties": true
                  }
                },
                "application/x-www-form-urlencoded": {
                  "schema": {
                    "type": "object",
                    "properties": {
                      "status": {
                        "type": "string",
                        "description": "'<code>' or '<code>;<text>'. Other JSON types are taken as their JSON text."
                      },
                      "traffic": {
                        "type": "string",
                        "description": "Traffic report object, or its JSON text."
                      }
                    },
                    "additionalProperties": true
                  }
                }
              }
            },
            "responses": {
              "200": {
                "description": "Ok.",
                "headers": {
                  "api-version": {
                    "$ref": "#/components/headers/ApiVersion"
                  }
                },
                "content": {
                  "application/json": {
                    "schema": {
                      "$ref": "#/components/schemas/Message"
                    }
                  }
                }
              },
              "400": {
                "$ref": "#/components/responses/BadRequest"
              },
              "401": {
                "$ref": "#/components/responses/Unauthorized"
              },
              "404": {
                "$ref": "#/components/responses/NotFound"
              },
              "413": {
                "$ref": "#/components/responses/PayloadTooLarge"
              },
              "500": {
                "$ref": "#/components/responses/InternalError"
              }
            }
          }
        },
        "/v1/backend/auth": {
          "x-allow": "GET, HEAD",
          "get": {
            "operationId": "getAuth",
            "summary": "Who am I",
            "tags": [
              "backend"
            ],
            "responses": {
              "200": {
                "description": "The caller is a known, valid principal.",
                "headers": {
                  "api-version": {
                    "$ref": "#/components/headers/ApiVersion"
                  }
                },
                "content": {
                  "application/json": {
                    "schema": {
                      "$ref": "#/components/schemas/BackendAuth"
                    }
                  }
                }
              },
              "401": {
                "description": "No valid principal; same body shape.",
                "headers": {
                  "api-version": {
                    "$ref": "#/components/headers/ApiVersion"
                  }
                },
                "content": {
                  "application/json": {
                    "schema": {
                      "$ref": "#/components/schemas/BackendAuth"
                    }
                  }
                }
              },
              "413": {
                "$ref": "#/components/responses/PayloadTooLarge"
              },
              "500": {
                "$ref": "#/components/responses/InternalError"
              }
            },
            "security": [
              {},
              {
                "clientCertificate": []
              }
            ]
          }
        },
        "/v1/backend/activity": {
          "x-allow": "GET, HEAD",
          "get": {
            "operationId": "getActivity",
            "summary": "Testbed activity overview",
            "tags": [
              "backend"
            ],
            "responses": {
              "200": {
                "description": "Counters for nodes, tasks and users.",
                "headers": {
                  "api-version": {
                    "$ref": "#/components/headers/ApiVersion"
                  }
                },
                "content": {
                  "application/json": {
                    "schema": {
                      "$ref": "#/components/schemas/Activity"
                    }
                  }
                }
              },
              "401": {
                "$ref": "#/components/responses/Unauthorized"
              },
              "413": {
                "$ref": "#/components/responses/PayloadTooLarge"
              },
              "500": {
                "$ref": "#/components/responses/InternalError"
              }
            }
          }
        },
        "/v1/backend/pubkeys": {
          "x-allow": "GET, HEAD",
          "get": {
            "operationId": "listPubkeys",
            "summary": "SSH public keys of running tasks",
            "tags": [
              "backend"
            ],
            "responses": {
              "200": {
                "description": "OpenSSH public keys of tasks whose key has not expired, by schedule id.",
                "headers": {
                  "api-version": {
                    "$ref": "#/components/headers/ApiVersion"
                  }
                },
                "content": {
                  "application/json": {
                    "schema": {
                      "type": "array",
                      "items": {
                        "type": "string"
                      }
                    }
                  }
                }
              },
              "413": {
                "$ref": "#/components/responses/PayloadTooLarge"
              },
              "500": {
                "$ref": "#/components/responses/InternalError"
              }
            },
            "security": [
              {},
              {
                "clientCertificate": []
              }
            ]
          }
        },
        "/v1/backend/sync": {
          "x-allow": "PUT",
          "put": {
            "operationId": "runHousekeeping",
            "summary": "Run housekeeping now",
            "tags": [
              "backend"
            ],
            "description": "Admin only.",
            "requestBody": {
              "required": false,
              "description": "Not used; a body is still decoded (invalid JSON gives 400).",
              "content": {
                "application/json": {
                  "schema": {
                    "type": "object"
                  }
                },
                "application/x-www-form-urlencoded": {
                  "schema": {
                    "type": "object"
                  }
                }
              }
            },
            "responses": {
              "200": {
                "description": "Ok.",
                "headers": {
                  "api-version": {
                    "$ref": "#/components/headers/ApiVersion"
                  }
                },
                "content": {
                  "application/json": {
                    "schema": {
                      "$ref": "#/components/schemas/Message"
                    }
                  }
                }
              },
              "400": {
                "$ref": "#/components/responses/BadRequest"
              },
              "401": {
                "$ref": "#/components/responses/Unauthorized"
              },
              "413": {
                "$ref": "#/components/responses/PayloadTooLarge"
              },
              "500": {
                "$ref": "#/components/responses/InternalError"
              }
            }
          }
        }
      },
      "components": {
        "schemas": {
          "Message": {
            "description": "Informational answer or error. Some answers add extra top-level keys.",
            "type": "object",
            "properties": {
              "message": {
                "type": "string"
              }
            },
            "required": [
              "message"
            ],
            "additionalProperties": true
          },
          "InternalError": {
            "description": "Body of every 500 answer; it never carries details.",
            "type": "object",
            "properties": {
              "message": {
                "type": "string",
                "const": "Internal server error."
              }
            },
            "required": [
              "message"
            ],
            "additionalProperties": false
          },
          "BodyTooLarge": {
            "type": "object",
            "properties": {
              "message": {
                "type": "string",
                "const": "Request body too large."
              }
            },
            "required": [
              "message"
            ],
            "additionalProperties": false
          },
          "MethodNotAllowed": {
            "type": "object",
            "properties": {
              "message": {
                "type": "string",
                "const": "Method not allowed."
              }
            },
            "required": [
              "message"
            ],
            "additionalProperties": false
          },
          "AllocationFailure": {
            "description": "409 answer of an allocation: the reason follows 'Could not allocate. ', extras depend on the check that failed.",
            "type": "object",
            "properties": {
              "message": {
                "type": "string",
                "pattern": "^Could not allocate\\. "
              },
              "code": {
                "type": "string",
                "enum": [
                  "sc1",
                  "sc2"
                ]
              },
              "available": {
                "type": "integer",
                "minimum": 0
              },
              "requested": {
                "type": "integer"
              },
              "selection": {
                "type": [
                  "array",
                  "null"
                ],
                "items": {
                  "type": "string"
                },
                "description": "The nodes preselection as decimal strings, or null."
              },
              "start": {
                "type": "integer"
              },
              "stop": {
                "type": "integer"
              },
              "quota_time": {
                "type": "integer"
              },
              "quota_data": {
                "type": "integer"
              },
              "quota_storage": {
                "type": "integer"
              },
              "required": {
                "type": "integer"
              },
              "interfaces": {
                "type": "integer",
                "minimum": 0
              },
              "max_storage": {
                "type": "integer"
              },
              "max_data": {
                "type": "integer"
              },
              "error": {
                "type": "string"
              }
            },
            "required": [
              "message"
            ],
            "additionalProperties": true
          },
          "User": {
            "description": "A principal. ssl_id is shown only to admins and to the user itself.",
            "type": "object",
            "properties": {
              "id": {
                "type": "integer",
                "minimum": 1
              },
              "name": {
                "type": "string"
              },
              "ssl_id": {
                "type": "string",
                "pattern": "^[0-9a-f]{40}$"
              },
              "role": {
                "type": "string",
                "enum": [
                  "user",
                  "node",
                  "admin",
                  "invalid"
                ]
              },
              "project": {
                "type": "string"
              },
              "quota_time": {
                "type": "integer"
              },
              "quota_data": {
                "type": "integer"
              },
              "quota_storage": {
                "type": "integer"
              }
            },
            "required": [
              "id",
              "name",
              "role",
              "project",
              "quota_time",
              "quota_data",
              "quota_storage"
            ],
            "additionalProperties": false
          },
          "Interface": {
            "description": "A network interface of a node.",
            "type": "object",
            "properties": {
              "iccid": {
                "type": "string",
                "description": "SIM ICCID; empty for non-cellular interfaces."
              },
              "imei": {
                "type": "string",
                "description": "Modem IMEI, or the MAC address of a non-cellular interface."
              },
              "mccmnc": {
                "type": "string"
              },
              "operator": {
                "type": "string"
              },
              "interface": {
                "type": "string",
                "description": "Interface name last reported by the node."
              },
              "status": {
                "type": "string",
                "enum": [
                  "current",
                  "historic"
                ]
              },
              "heartbeat": {
                "type": "integer"
              },
              "quota_current": {
                "type": "integer",
                "description": "Bytes left this month; may be negative."
              },
              "quota_last_reset": {
                "type": "integer"
              },
              "quota_reset_value": {
                "type": "integer"
              },
              "quota_reset_date": {
                "type": "integer"
              }
            },
            "required": [
              "iccid",
              "imei",
              "mccmnc",
              "operator",
              "interface",
              "status",
              "heartbeat",
              "quota_current",
              "quota_last_reset",
              "quota_reset_value",
              "quota_reset_date"
            ],
            "additionalProperties": false
          },
          "Node": {
            "description": "A measurement node. Each tag appears as an extra string-valued key.",
            "type": "object",
            "properties": {
              "id": {
                "type": "integer",
                "minimum": 1
              },
              "hostname": {
                "type": "string"
              },
              "status": {
                "type": "string",
                "enum": [
                  "active",
                  "disabled",
                  "maintenance",
                  "retired"
                ]
              },
              "heartbeat": {
                "type": "integer",
                "description": "Unix time of the last heartbeat; 0 = never."
              },
              "interfaces": {
                "type": "array",
                "items": {
                  "$ref": "#/components/schemas/Interface"
                }
              }
            },
            "required": [
              "id",
              "hostname",
              "status",
              "heartbeat",
              "interfaces"
            ],
            "additionalProperties": {
              "type": "string"
            }
          },
          "DeploymentOptions": {
            "description": "Per-task options passed to the node (values of any JSON type). Keys starting with '_' appear only in the node's own view.",
            "type": "object",
            "additionalProperties": true
          },
          "SchedulingOptions": {
            "description": "Scheduling options stored with the experiment (traffic, shared, recurrence, period, until, storage when given).",
            "type": "object",
            "additionalProperties": true
          },
          "Schedule": {
            "description": "One task: an experiment on one node for one interval.",
            "type": "object",
            "properties": {
              "id": {
                "type": "string",
                "description": "Schedule id: a decimal sequence number plus the configured suffix."
              },
              "nodeid": {
                "type": "integer",
                "minimum": 1
              },
              "expid": {
                "type": "integer",
                "minimum": 1
              },
              "start": {
                "type": "integer",
                "description": "Unix seconds; -1 for a queued (LPQ) task not yet placed."
              },
              "stop": {
                "type": "integer",
                "description": "Unix seconds; the duration for a queued (LPQ) task not yet placed."
              },
              "status": {
                "type": "string",
                "pattern": "^(defined|requested|deployed|delayed|started|restarted|stopped|finished|failed|canceled|aborted)[ \\t]*(;[\\s\\S]*)?$",
                "description": "Full status string: a code, optionally followed by ';' and free text."
              },
              "shared": {
                "type": "integer",
                "enum": [
                  0,
                  1
                ],
                "description": "1 when the task is shared or its status is final."
              },
              "deployment_options": {
                "$ref": "#/components/schemas/DeploymentOptions"
              }
            },
            "required": [
              "id",
              "nodeid",
              "expid",
              "start",
              "stop",
              "status",
              "shared",
              "deployment_options"
            ],
            "additionalProperties": false
          },
          "ScheduleWithReport": {
            "description": "A task plus its traffic reports.",
            "type": "object",
            "properties": {
              "id": {
                "type": "string",
                "description": "Schedule id: a decimal sequence number plus the configured suffix."
              },
              "nodeid": {
                "type": "integer",
                "minimum": 1
              },
              "expid": {
                "type": "integer",
                "minimum": 1
              },
              "start": {
                "type": "integer",
                "description": "Unix seconds; -1 for a queued (LPQ) task not yet placed."
              },
              "stop": {
                "type": "integer",
                "description": "Unix seconds; the duration for a queued (LPQ) task not yet placed."
              },
              "status": {
                "type": "string",
                "pattern": "^(defined|requested|deployed|delayed|started|restarted|stopped|finished|failed|canceled|aborted)[ \\t]*(;[\\s\\S]*)?$",
                "description": "Full status string: a code, optionally followed by ';' and free text."
              },
              "shared": {
                "type": "integer",
                "enum": [
                  0,
                  1
                ],
                "description": "1 when the task is shared or its status is final."
              },
              "deployment_options": {
                "$ref": "#/components/schemas/DeploymentOptions"
              },
              "report": {
                "type": "object",
                "additionalProperties": {
                  "type": "integer",
                  "minimum": 0
                },
                "description": "Latest traffic report per meter, in bytes."
              }
            },
            "required": [
              "id",
              "nodeid",
              "expid",
              "start",
              "stop",
              "status",
              "shared",
              "deployment_options",
              "report"
            ],
            "additionalProperties": false
          },
          "CompactSchedule": {
            "type": "object",
            "properties": {
              "nodeid": {
                "type": "integer",
                "minimum": 1
              },
              "ownerid": {
                "type": "integer",
                "minimum": 1
              },
              "start": {
                "type": "integer"
              },
              "stop": {
                "type": "integer"
              }
            },
            "required": [
              "nodeid",
              "ownerid",
              "start",
              "stop"
            ],
            "additionalProperties": false
          },
          "UserScheduleRow": {
            "description": "A task joined with fields of its experiment.",
            "type": "object",
            "properties": {
              "id": {
                "type": "string",
                "description": "Schedule id: a decimal sequence number plus the configured suffix."
              },
              "nodeid": {
                "type": "integer",
                "minimum": 1
              },
              "expid": {
                "type": "integer",
                "minimum": 1
              },
              "start": {
                "type": "integer",
                "description": "Unix seconds; -1 for a queued (LPQ) task not yet placed."
              },
              "stop": {
                "type": "integer",
                "description": "Unix seconds; the duration for a queued (LPQ) task not yet placed."
              },
              "status": {
                "type": "string",
                "pattern": "^(defined|requested|deployed|delayed|started|restarted|stopped|finished|failed|canceled|aborted)[ \\t]*(;[\\s\\S]*)?$",
                "description": "Full status string: a code, optionally followed by ';' and free text."
              },
              "shared": {
                "type": "integer",
                "enum": [
                  0,
                  1
                ],
                "description": "1 when the task is shared or its status is final."
              },
              "deployment_options": {
                "$ref": "#/components/schemas/DeploymentOptions"
              },
              "name": {
                "type": "string"
              },
              "ownerid": {
                "type": "integer",
                "minimum": 1
              },
              "type": {
                "type": "string"
              },
              "script": {
                "type": "string"
              },
              "recurring_until": {
                "type": "integer"
              },
              "options": {
                "type": "string",
                "description": "The experiment's scheduling options as JSON text."
              }
            },
            "required": [
              "id",
              "nodeid",
              "expid",
              "start",
              "stop",
              "status",
              "shared",
              "deployment_options",
              "name",
              "ownerid",
              "type",
              "script",
              "recurring_until",
              "options"
            ],
            "additionalProperties": false
          },
          "ExperimentSummary": {
            "type": "object",
            "properties": {
              "id": {
                "type": "integer",
                "minimum": 1
              },
              "name": {
                "type": "string"
              },
              "ownerid": {
                "type": "integer",
                "minimum": 1
              },
              "type": {
                "type": "string",
                "description": "The nodetypes filter as sent."
              },
              "script": {
                "type": "string",
                "description": "Container URL(s), joined by '|' for pairs."
              },
              "start": {
                "type": "integer"
              },
              "stop": {
                "type": "integer"
              },
              "status": {
                "type": "string",
                "enum": [
                  "active",
                  "archived",
                  "expired",
                  "merged"
                ]
              },
              "options": {
                "$ref": "#/components/schemas/SchedulingOptions"
              },
              "summary": {
                "type": "object",
                "additionalProperties": {
                  "type": "integer",
                  "minimum": 0
                },
                "description": "Number of tasks per full status string."
              }
            },
            "required": [
              "id",
              "name",
              "ownerid",
              "type",
              "script",
              "start",
              "stop",
              "status",
              "options",
              "summary"
            ],
            "additionalProperties": false
          },
          "ExperimentScheduleEntry": {
            "type": "object",
            "properties": {
              "nodeid": {
                "type": "integer",
                "minimum": 1
              },
              "start": {
                "type": "integer"
              },
              "status": {
                "type": "string",
                "pattern": "^(defined|requested|deployed|delayed|started|restarted|stopped|finished|failed|canceled|aborted)[ \\t]*(;[\\s\\S]*)?$",
                "description": "Full status string: a code, optionally followed by ';' and free text."
              },
              "stop": {
                "type": "integer"
              }
            },
            "required": [
              "nodeid",
              "start",
              "status",
              "stop"
            ],
            "additionalProperties": false
          },
          "ExperimentWithSchedules": {
            "type": "object",
            "properties": {
              "id": {
                "type": "integer",
                "minimum": 1
              },
              "name": {
                "type": "string"
              },
              "ownerid": {
                "type": "integer",
                "minimum": 1
              },
              "type": {
                "type": "string",
                "description": "The nodetypes filter as sent."
              },
              "script": {
                "type": "string",
                "description": "Container URL(s), joined by '|' for pairs."
              },
              "start": {
                "type": "integer"
              },
              "stop": {
                "type": "integer"
              },
              "status": {
                "type": "string",
                "enum": [
                  "active",
                  "archived",
                  "expired",
                  "merged"
                ]
              },
              "options": {
                "$ref": "#/components/schemas/SchedulingOptions"
              },
              "schedules": {
                "type": "object",
                "additionalProperties": {
                  "$ref": "#/components/schemas/ExperimentScheduleEntry"
                },
                "description": "Schedule id to task; empty when a requested schedule is not part of the experiment."
              }
            },
            "required": [
              "id",
              "name",
              "ownerid",
              "type",
              "script",
              "start",
              "stop",
              "status",
              "options",
              "schedules"
            ],
            "additionalProperties": false
          },
          "NodeJournalEntry": {
            "description": "Quota change of one interface of a node.",
            "type": "object",
            "properties": {
              "iccid": {
                "type": "string"
              },
              "new_value": {
                "type": "integer"
              },
              "reason": {
                "type": "string"
              },
              "timestamp": {
                "type": "integer"
              }
            },
            "required": [
              "iccid",
              "new_value",
              "reason",
              "timestamp"
            ],
            "additionalProperties": false
          },
          "JournalEntry": {
            "description": "Quota change of a user (or of an interface, shown in the same shape).",
            "type": "object",
            "properties": {
              "ownerid": {
                "type": [
                  "integer",
                  "null"
                ],
                "description": "User id; null for interface entries."
              },
              "new_value": {
                "type": "integer"
              },
              "quota": {
                "type": "string",
                "enum": [
                  "quota_owner_time",
                  "quota_owner_data",
                  "quota_owner_storage",
                  "node_interface"
                ]
              },
              "reason": {
                "type": "string"
              },
              "timestamp": {
                "type": "integer"
              }
            },
            "required": [
              "ownerid",
              "new_value",
              "quota",
              "reason",
              "timestamp"
            ],
            "additionalProperties": false
          },
          "HeartbeatAnswer": {
            "type": "object",
            "properties": {
              "interfaces": {
                "description": "Normally an empty object; from time to time the node's current SIM interfaces with their remaining quota.",
                "oneOf": [
                  {
                    "type": "object",
                    "additionalProperties": false
                  },
                  {
                    "type": "array",
                    "items": {
                      "type": "object",
                      "properties": {
                        "iccid": {
                          "type": "string"
                        },
                        "quota_current": {
                          "type": "integer"
                        }
                      },
                      "required": [
                        "iccid",
                        "quota_current"
                      ],
                      "additionalProperties": false
                    }
                  }
                ]
              },
              "tasks": {
                "type": "array",
                "items": {
                  "$ref": "#/components/schemas/Schedule"
                },
                "description": "Tasks for the node, hidden options included."
              }
            },
            "required": [
              "interfaces",
              "tasks"
            ],
            "additionalProperties": false
          },
          "NodeSchedulesAndExperiments": {
            "type": "object",
            "properties": {
              "experiments": {
                "type": "array",
                "items": {
                  "$ref": "#/components/schemas/ExperimentSummary"
                }
              },
              "schedules": {
                "type": "array",
                "items": {
                  "$ref": "#/components/schemas/Schedule"
                }
              }
            },
            "required": [
              "experiments",
              "schedules"
            ],
            "additionalProperties": false
          },
          "Slot": {
            "description": "A free time slot found by the search.",
            "type": "object",
            "properties": {
              "start": {
                "type": "integer"
              },
              "stop": {
                "type": "integer"
              },
              "max_stop": {
                "type": "integer",
                "description": "Latest stop time before the next conflict."
              },
              "nodecount": {
                "type": "integer",
                "minimum": 1
              },
              "max_nodecount": {
                "type": "integer",
                "minimum": 0,
                "description": "Machines available in this slot."
              },
              "nodetypes": {
                "type": "string"
              }
            },
            "required": [
              "start",
              "stop",
              "max_stop",
              "nodecount",
              "max_nodecount",
              "nodetypes"
            ],
            "additionalProperties": false
          },
          "BackendAuth": {
            "description": "Identity of the caller as the server sees it.",
            "type": "object",
            "properties": {
              "fingerprint": {
                "type": "string",
                "pattern": "^([0-9a-f]{40})?$",
                "description": "Effective client fingerprint; empty without identity."
              },
              "verified": {
                "type": [
                  "string",
                  "null"
                ]
              },
              "user": {
                "anyOf": [
                  {
                    "$ref": "#/components/schemas/User"
                  },
                  {
                    "type": "null"
                  }
                ]
              }
            },
            "required": [
              "fingerprint",
              "verified",
              "user"
            ],
            "additionalProperties": false
          },
          "Activity": {
            "description": "Overview of nodes, tasks and users.",
            "type": "object",
            "properties": {
              "resources": {
                "type": "object",
                "description": "Node counts per status, liveness counters and id lists. The key 'maintenance' always holds the id list.",
                "properties": {
                  "2 min": {
                    "type": "integer",
                    "minimum": 0
                  },
                  "5 min": {
                    "type": "integer",
                    "minimum": 0
                  },
                  "1 h": {
                    "type": "integer",
                    "minimum": 0
                  },
                  "1 d": {
                    "type": "integer",
                    "minimum": 0
                  },
                  "dropouts 30d-1d": {
                    "type": "array",
                    "items": {
                      "type": "integer"
                    }
                  },
                  "dropouts 1d-5min": {
                    "type": "array",
                    "items": {
                      "type": "integer"
                    }
                  },
                  "maintenance": {
                    "type": "array",
                    "items": {
                      "type": "integer"
                    }
                  }
                },
                "required": [
                  "2 min",
                  "5 min",
                  "1 h",
                  "1 d",
                  "dropouts 30d-1d",
                  "dropouts 1d-5min",
                  "maintenance"
                ],
                "additionalProperties": {
                  "type": "integer",
                  "minimum": 0
                }
              },
              "schedules": {
                "type": "object",
                "properties": {
                  "current": {
                    "type": "integer",
                    "minimum": 0
                  },
                  "future": {
                    "type": "integer",
                    "minimum": 0
                  },
                  "distinct active users (7d)": {
                    "type": "array",
                    "items": {
                      "type": "object",
                      "properties": {
                        "name": {
                          "type": "string"
                        },
                        "project": {
                          "type": "string"
                        },
                        "tasks": {
                          "type": "integer",
                          "minimum": 0
                        }
                      },
                      "required": [
                        "name",
                        "project",
                        "tasks"
                      ],
                      "additionalProperties": false
                    }
                  },
                  "status codes (7d)": {
                    "type": "array",
                    "items": {
                      "type": "array",
                      "prefixItems": [
                        {
                          "type": "integer",
                          "minimum": 0
                        },
                        {
                          "type": "string"
                        }
                      ],
                      "items": false,
                      "minItems": 2,
                      "maxItems": 2
                    }
                  }
                },
                "required": [
                  "current",
                  "future",
                  "distinct active users (7d)",
                  "status codes (7d)"
                ],
                "additionalProperties": false
              },
              "users": {
                "type": "object",
                "additionalProperties": {
                  "type": "integer",
                  "minimum": 0
                },
                "description": "Number of users per role."
              }
            },
            "required": [
              "resources",
              "schedules",
              "users"
            ],
            "additionalProperties": false
          },
          "RetireResult": {
            "type": "object",
            "properties": {
              "message": {
                "type": "string"
              },
              "canceled": {
                "type": "integer",
                "minimum": 0
              },
              "aborted": {
                "type": "integer",
                "minimum": 0
              }
            },
            "required": [
              "message",
              "canceled",
              "aborted"
            ],
            "additionalProperties": false
          },
          "DeleteExperimentResult": {
            "oneOf": [
              {
                "type": "object",
                "properties": {
                  "message": {
                    "type": "string",
                    "enum": [
                      "Ok. Deleted experiment and scheduling entries",
                      "Ok. Archived experiment."
                    ]
                  }
                },
                "required": [
                  "message"
                ],
                "additionalProperties": false
              },
              {
                "type": "object",
                "properties": {
                  "message": {
                    "type": "string",
                    "const": "Ok. Canceled or aborted open scheduling entries"
                  },
                  "aborted": {
                    "type": "integer",
                    "minimum": 0
                  },
                  "canceled": {
                    "type": "integer",
                    "minimum": 0
                  }
                },
                "required": [
                  "message",
                  "aborted",
                  "canceled"
                ],
                "additionalProperties": false
              }
            ]
          },
          "AllocationResult": {
            "type": "object",
            "properties": {
              "experiment": {
                "type": "integer",
                "minimum": 1
              },
              "intervals": {
                "type": "integer",
                "minimum": 1
              },
              "message": {
                "type": "string"
              },
              "nodecount": {
                "type": "integer",
                "minimum": 1,
                "description": "Nodes (or pairs in pair mode) chosen for the last interval."
              }
            },
            "required": [
              "experiment",
              "intervals",
              "message",
              "nodecount"
            ],
            "additionalProperties": false
          },
          "NodeOrMessage": {
            "oneOf": [
              {
                "$ref": "#/components/schemas/HeartbeatAnswer"
              },
              {
                "$ref": "#/components/schemas/Message"
              }
            ]
          },
          "InterfaceInput": {
            "type": "object",
            "properties": {
              "iccid": {
                "type": "string",
                "minLength": 1,
                "maxLength": 32
              },
              "imei": {
                "type": "string"
              },
              "mccmnc": {
                "type": "string"
              },
              "operator": {
                "type": "string"
              },
              "quota": {
                "type": [
                  "integer",
                  "string"
                ],
                "description": "Monthly quota in bytes (>= 0)."
              }
            },
            "required": [
              "iccid"
            ],
            "additionalProperties": true
          },
          "HeartbeatInterface": {
            "type": "object",
            "properties": {
              "iccid": {
                "type": "string"
              },
              "host": {
                "type": "integer",
                "minimum": 0,
                "description": "Bytes used since the monthly reset."
              },
              "opname": {
                "type": "string"
              },
              "mac": {
                "type": "string"
              }
            },
            "additionalProperties": true
          },
          "TrafficReport": {
            "type": "object",
            "properties": {
              "deployment": {
                "type": "integer",
                "minimum": 0
              },
              "results": {
                "type": "integer",
                "minimum": 0
              },
              "interfaces": {
                "type": "object",
                "additionalProperties": {
                  "type": "integer",
                  "minimum": 0
                }
              },
              "final": {}
            },
            "additionalProperties": true
          }
        },
        "responses": {
          "BadRequest": {
            "description": "Missing or invalid parameter, undecodable request body, or a refused state change.",
            "headers": {
              "api-version": {
                "$ref": "#/components/headers/ApiVersion"
              }
            },
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Message"
                }
              }
            }
          },
          "Unauthorized": {
            "description": "Anonymous caller, wrong role or not the owner.",
            "headers": {
              "api-version": {
                "$ref": "#/components/headers/ApiVersion"
              }
            },
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Message"
                }
              }
            }
          },
          "NotFound": {
            "description": "The item (or, for collection updates, the operation) does not exist.",
            "headers": {
              "api-version": {
                "$ref": "#/components/headers/ApiVersion"
              }
            },
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Message"
                }
              }
            }
          },
          "MethodNotAllowed": {
            "description": "The route exists but does not accept this method (see the path's x-allow).",
            "headers": {
              "api-version": {
                "$ref": "#/components/headers/ApiVersion"
              },
              "Allow": {
                "$ref": "#/components/headers/Allow"
              }
            },
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/MethodNotAllowed"
                }
              }
            }
          },
          "Conflict": {
            "description": "The request conflicts with existing data or no result could be found.",
            "headers": {
              "api-version": {
                "$ref": "#/components/headers/ApiVersion"
              }
            },
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Message"
                }
              }
            }
          },
          "PayloadTooLarge": {
            "description": "The request body is larger than the configured limit.",
            "headers": {
              "api-version": {
                "$ref": "#/components/headers/ApiVersion"
              }
            },
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/BodyTooLarge"
                }
              }
            }
          },
          "InternalError": {
            "description": "Unexpected internal failure.",
            "headers": {
              "api-version": {
                "$ref": "#/components/headers/ApiVersion"
              }
            },
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/InternalError"
                }
              }
            }
          }
        },
        "headers": {
          "ApiVersion": {
            "description": "Version of the API; present on every response.",
            "required": true,
            "schema": {
              "type": "string",
              "const": "1.0"
            }
          },
          "Allow": {
            "description": "Methods the route accepts.",
            "required": true,
            "schema": {
              "type": "string"
            }
          },
          "Location": {
            "description": "Where the created item can be found (legacy paths for users and experiments).",
            "required": true,
            "schema": {
              "type": "string"
            }
          }
        },
        "securitySchemes": {
          "clientCertificate": {
            "type": "mutualTLS",
            "description": "Client certificate, identified by the SHA-1 fingerprint of its DER encoding."
          }
        }
      }
    }
    """#
}
