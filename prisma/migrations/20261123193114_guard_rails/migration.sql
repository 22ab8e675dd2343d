-- AlterTable
ALTER TABLE "Token" ADD COLUMN     "allowedModels" TEXT[] DEFAULT ARRAY[]::TEXT[],
ADD COLUMN     "ipAllowlist" TEXT[] DEFAULT ARRAY[]::TEXT[],
ADD COLUMN     "monthlyTokenBudget" INTEGER,
ADD COLUMN     "previousHash" TEXT,
ADD COLUMN     "previousLast4" TEXT,
ADD COLUMN     "previousPrefix" TEXT,
ADD COLUMN     "previousValidUntil" TIMESTAMP(3),
ADD COLUMN     "rateLimitPerMinute" INTEGER;

-- CreateIndex
CREATE UNIQUE INDEX "Token_previousHash_key" ON "Token"("previousHash");
