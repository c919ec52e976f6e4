/** The parts of oidc-provider's named exports (untyped package) the apps engine uses, beside src/sso's declaration. */
declare module 'oidc-provider' {
  export const errors: {
    InvalidGrant: new (description?: string) => Error;
    AccessDenied: new (description?: string) => Error;
  };
  interface EngineCheck {
    reason: string;
  }
  interface EnginePrompt {
    name: string;
    checks: { add(check: EngineCheck, index?: number): void; get(reason: string): EngineCheck | undefined };
  }
  export const interactionPolicy: {
    base(): { get(name: string): EnginePrompt | undefined; [Symbol.iterator](): Iterator<EnginePrompt> };
    Check: {
      new (reason: string, description: string, check: (ctx: unknown) => Promise<boolean> | boolean): EngineCheck;
      REQUEST_PROMPT: true;
      NO_NEED_TO_PROMPT: false;
    };
  };
}
