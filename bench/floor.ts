/** The floor: a handler holding only the DynamoDB client and one GetItem. Every function is compared to it. */
import { DynamoDBClient, GetItemCommand } from '@aws-sdk/client-dynamodb';

const client = new DynamoDBClient({});

export const handler = async (event: { id: string }) => {
  const { Item } = await client.send(
    new GetItemCommand({ TableName: process.env.TABLE_NAME, Key: { PK: { S: event.id }, SK: { S: 'X' } } }),
  );
  return Item ?? null;
};
