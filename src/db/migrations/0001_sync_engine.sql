CREATE TABLE "channel_item_states" (
	"store_id" bigint NOT NULL,
	"item_code" text NOT NULL,
	"option_code" text DEFAULT '' NOT NULL,
	"last_pushed_quantity" integer,
	"last_pushed_at" timestamp with time zone,
	"last_error" text,
	"last_error_at" timestamp with time zone,
	CONSTRAINT "channel_item_states_store_id_item_code_option_code_pk" PRIMARY KEY("store_id","item_code","option_code")
);
--> statement-breakpoint
CREATE TABLE "inbound_rejects" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "inbound_rejects_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"organization_id" bigint NOT NULL,
	"store_id" bigint NOT NULL,
	"order_code" text,
	"code" text NOT NULL,
	"field" text,
	"message" text NOT NULL,
	"payload" jsonb,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"resolved_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "store_credentials" (
	"store_id" bigint NOT NULL,
	"name" text NOT NULL,
	"sealed_value" text NOT NULL,
	"expires_at" timestamp with time zone,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "store_credentials_store_id_name_pk" PRIMARY KEY("store_id","name")
);
--> statement-breakpoint
CREATE TABLE "store_functions" (
	"organization_id" bigint NOT NULL,
	"store_id" bigint NOT NULL,
	"function" text NOT NULL,
	"paused" boolean DEFAULT false NOT NULL,
	"interval_seconds" integer,
	"times_of_day" text[] DEFAULT '{}'::text[] NOT NULL,
	"failing_reason" text,
	"failing_since" timestamp with time zone,
	"cursor" jsonb,
	"next_run_at" timestamp with time zone,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "store_functions_store_id_function_pk" PRIMARY KEY("store_id","function")
);
--> statement-breakpoint
CREATE TABLE "sync_runs" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "sync_runs_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"organization_id" bigint NOT NULL,
	"store_id" bigint NOT NULL,
	"function" text NOT NULL,
	"trigger" text NOT NULL,
	"attempt" integer DEFAULT 1 NOT NULL,
	"outcome" text DEFAULT 'running' NOT NULL,
	"counts" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"errors" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"started_at" timestamp with time zone DEFAULT now() NOT NULL,
	"heartbeat_at" timestamp with time zone DEFAULT now() NOT NULL,
	"finished_at" timestamp with time zone
);
--> statement-breakpoint
ALTER TABLE "shipments" ADD COLUMN "notice_status" text;--> statement-breakpoint
ALTER TABLE "shipments" ADD COLUMN "notice_request_id" text;--> statement-breakpoint
ALTER TABLE "shipments" ADD COLUMN "notice_error" text;--> statement-breakpoint
ALTER TABLE "shipments" ADD COLUMN "notice_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "stores" ADD COLUMN "item_cap" integer;--> statement-breakpoint
ALTER TABLE "channel_item_states" ADD CONSTRAINT "channel_item_states_store_id_stores_id_fk" FOREIGN KEY ("store_id") REFERENCES "public"."stores"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "inbound_rejects" ADD CONSTRAINT "inbound_rejects_organization_id_organizations_id_fk" FOREIGN KEY ("organization_id") REFERENCES "public"."organizations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "inbound_rejects" ADD CONSTRAINT "inbound_rejects_store_id_stores_id_fk" FOREIGN KEY ("store_id") REFERENCES "public"."stores"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "store_credentials" ADD CONSTRAINT "store_credentials_store_id_stores_id_fk" FOREIGN KEY ("store_id") REFERENCES "public"."stores"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "store_functions" ADD CONSTRAINT "store_functions_organization_id_organizations_id_fk" FOREIGN KEY ("organization_id") REFERENCES "public"."organizations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "store_functions" ADD CONSTRAINT "store_functions_store_id_stores_id_fk" FOREIGN KEY ("store_id") REFERENCES "public"."stores"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "sync_runs" ADD CONSTRAINT "sync_runs_organization_id_organizations_id_fk" FOREIGN KEY ("organization_id") REFERENCES "public"."organizations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "sync_runs" ADD CONSTRAINT "sync_runs_store_id_stores_id_fk" FOREIGN KEY ("store_id") REFERENCES "public"."stores"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "inbound_rejects_store" ON "inbound_rejects" USING btree ("store_id","id");--> statement-breakpoint
CREATE INDEX "sync_runs_store_function" ON "sync_runs" USING btree ("store_id","function","id");--> statement-breakpoint
CREATE UNIQUE INDEX "sync_runs_one_running" ON "sync_runs" USING btree ("store_id","function") WHERE "sync_runs"."outcome" = 'running';--> statement-breakpoint
CREATE INDEX "shipments_notice_pending" ON "shipments" USING btree ("store_id","id") WHERE "shipments"."notice_status" IN ('pending', 'accepted');